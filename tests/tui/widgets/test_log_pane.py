"""LogPane (batched streaming, progress line, event rendering, transcript, search) and PromptDialog."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Log

from neontui.core.kit.session import Exited, Line, Progress, Prompt
from neontui.core.migrate.migrator import MigrationApplied, StatementFinished, StatementStarted
from neontui.tui.screens.prompt_dialog import PromptDialog
from neontui.tui.widgets.log_pane import LogPane, default_transcript_path

SIZE = (100, 30)


class PaneApp(App[None]):
    BINDINGS = [("x", "count", "Count"), ("z", "typed", "Typed")]

    def __init__(self, transcript: Path, max_lines: int = 10_000) -> None:
        super().__init__()
        self.transcript, self.max_lines = transcript, max_lines
        self.presses = 0
        self.typed = 0

    def compose(self) -> ComposeResult:
        yield LogPane(transcript_path=self.transcript, max_lines=self.max_lines, id="pane")

    def action_count(self) -> None:
        self.presses += 1

    def action_typed(self) -> None:
        self.typed += 1

    @property
    def pane(self) -> LogPane:
        return self.query_one(LogPane)

    @property
    def log_lines(self) -> list[str]:
        return list(self.query_one(Log).lines)


async def settle(pilot, pane: LogPane, timeout: float = 10.0) -> None:
    """Wait until the 50 ms flush timer has drained the queue (the timeout only stops a broken flush hanging)."""
    deadline = time.monotonic() + timeout
    while pane.pending and time.monotonic() < deadline:
        await pilot.pause(0.05)
    await pilot.pause()
    assert pane.pending == 0


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # never write into the real home


async def test_lines_are_flushed_ansi_stripped_and_redacted(tmp_path: Path):
    app = PaneApp(tmp_path / "t.log")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.post_line("\x1b[32mReading config\x1b[0m file")
        pane.post_lines(["url postgresql://u:S3cret@h/db", "two\nlines", "\x1b[2K\x1b[1Gdone"])
        assert app.log_lines == []  # nothing is written until the timer flushes
        await settle(pilot, pane)
        assert app.log_lines == ["Reading config file", "url postgresql://u:****@h/db", "two", "lines", "done"]
        assert "S3cret" not in (tmp_path / "t.log").read_text()
        assert not any("\x1b" in line for line in app.log_lines)


async def test_progress_frames_replace_each_other(tmp_path: Path):
    app = PaneApp(tmp_path / "t.log")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        for frame in "⠋⠙⠹⠸⠼⠴":
            pane.handle(Progress(f"{frame} Pulling schema from database..."))
        await pilot.pause(0.1)
        assert pane.progress_text == "⠴ Pulling schema from database..."
        assert app.log_lines == []
        pane.clear_progress()
        assert pane.progress_text == ""


async def test_runner_and_migrator_events_render(tmp_path: Path):
    app = PaneApp(tmp_path / "t.log")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.handle(Line("[✓] Changes applied"))
        pane.handle(StatementStarted("0003_x", 1, "CREATE INDEX …", True))
        assert pane.progress_text.startswith("0003_x #1")
        pane.handle(StatementFinished("0003_x", 1, 0.1234, 12))
        pane.handle(StatementFinished("0003_x", 2, 0.5, None))
        pane.handle(StatementFinished("0003_x", 3, 0.01, 1))
        pane.handle(MigrationApplied("0003_x", 0.7))
        pane.handle(Prompt("Do you want to push changes?", ("No, abort", "Yes, push"), 0, ("· data loss",)))
        pane.handle(Exited(0, 0.4213))
        pane.handle(Exited(137, 2.0, cancelled=True))
        await settle(pilot, pane)
        assert app.log_lines == [
            "[✓] Changes applied",
            "  0003_x #1  0.123s  12 rows",
            "  0003_x #2  0.500s",
            "  0003_x #3  0.010s  1 row",
            "✓ 0003_x applied (0.700s)",
            "· data loss",
            "? Do you want to push changes?",
            "drizzle-kit exited 0 in 0.42 s",
            "drizzle-kit exited 137 in 2.00 s (cancelled)",
        ]
        assert pane.progress_text == ""  # Exited clears the spinner


async def test_max_lines_cap_while_transcript_keeps_everything(tmp_path: Path):
    transcript = tmp_path / "logs" / "t.log"
    app = PaneApp(transcript, max_lines=1_000)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.post_lines(f"line {i} password=hunter22" for i in range(12_000))
        await settle(pilot, pane)
        lines = app.log_lines
        assert len(lines) == 1_000
        assert lines[-1] == "line 11999 password=****"
        saved = pane.save(tmp_path / "saved.log")
        assert pane.total_lines == 12_000
    kept = transcript.read_text().splitlines()
    assert len(kept) == 12_000 and kept[0] == "line 0 password=****"
    assert saved.read_text() == transcript.read_text()
    assert "hunter22" not in transcript.read_text()


async def test_save_binding_and_search(tmp_path: Path):
    app = PaneApp(tmp_path / "logs" / "t.log")
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        pane = app.pane
        pane.post_lines([f"ok {i}" for i in range(100)] + ["ERROR: relation exists"] + [f"ok {i}" for i in range(50)])
        await settle(pilot, pane)
        app.query_one(Log).focus()
        await pilot.press("n")  # no term yet: jumps to "error"
        assert "line 101" in pane.progress_text
        await pilot.press("slash")
        await pilot.press(*"ok 4", "enter")
        assert pane.progress_text.startswith("/ok 4  line 5:")
        await pilot.press("escape", "n")
        assert pane.progress_text.startswith("/ok 4  line 41:")
        await pilot.press("s")
        await pilot.pause()
    saved = list({id(m): m for m in messages if isinstance(m, LogPane.Saved)}.values())  # hook sees each bubble
    assert len(saved) == 1 and saved[0].path.read_text().count("\n") == 151


def test_default_transcript_path_under_state_home(tmp_path: Path):
    path = default_transcript_path()
    assert path.parent == tmp_path / "state" / "neontui" / "logs"


async def test_streaming_100k_lines_keeps_the_ui_responsive(tmp_path: Path):
    app = PaneApp(tmp_path / "t.log")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        total, batch = 100_000, 1_000

        def produce() -> None:
            for start in range(0, total, batch):
                lines = [f"\x1b[33m[{i}]\x1b[0m applying postgresql://u:S3cret@h/db step {i}"
                         for i in range(start, start + batch)]
                app.call_from_thread(pane.post_lines, lines)

        async def typist() -> None:
            # pilot.press waits for CPU idle, which a busy stream rarely gives; these keys arrive like a user's
            while not done.is_set():
                sent.append(None)
                app.post_message(events.Key("z", "z"))
                await asyncio.sleep(0.02)

        sent: list[None] = []  # one per key sent
        done = asyncio.Event()
        started = time.monotonic()
        thread = threading.Thread(target=produce, daemon=True)
        thread.start()
        typing = asyncio.create_task(typist())
        presses = 0
        while thread.is_alive() or pane.pending:
            await pilot.press("x")
            presses += 1
            # Only so that a broken flush cannot hang the suite; how fast it drains is benchmarks/console.py's job.
            assert time.monotonic() - started < 120, "the stream never drained"
        done.set()
        await typing
        thread.join()
        await pilot.pause()
        assert app.presses == presses and app.typed == len(sent)
        assert pane.total_lines == total
        assert len(app.log_lines) == 10_000
        assert app.log_lines[-1] == f"[{total - 1}] applying postgresql://u:****@h/db step {total - 1}"
    assert sum(1 for _ in (tmp_path / "t.log").open()) == total


# --- PromptDialog ---------------------------------------------------------------------------------------------

RENAME = Prompt("Is users.full_name column created or renamed from another column?",
                ("+ full_name  create column", "~ name › full_name  rename column"), 0)
DATA_LOSS = Prompt("Do you still want to push changes?", ("No, abort", "Yes, I want to remove 1 table"), 0,
                   ("· You're about to delete users table with 3 items — data loss",))


class DialogApp(App[None]):
    def __init__(self, prompt: Prompt) -> None:
        super().__init__()
        self.prompt = prompt
        self.results: list[int | None] = []

    def on_mount(self) -> None:
        self.push_screen(PromptDialog(self.prompt), self.results.append)


async def run_dialog(prompt: Prompt, *keys: str) -> list[int | None]:
    app = DialogApp(prompt)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    return app.results


async def test_prompt_enter_picks_default():
    assert await run_dialog(RENAME, "enter") == [0]
    assert await run_dialog(Prompt("Pick", ("a", "b", "c"), 2), "enter") == [2]


async def test_prompt_number_key_picks_directly_and_arrows_move():
    assert await run_dialog(RENAME, "2") == [1]
    assert await run_dialog(RENAME, "down", "enter") == [1]
    assert await run_dialog(RENAME, "9") == []  # out of range: ignored


async def test_prompt_escape_and_abort_button_abort():
    assert await run_dialog(RENAME, "escape") == [None]
    assert await run_dialog(DATA_LOSS, "down", "escape") == [None]
    assert await run_dialog(RENAME, "tab", "enter") == [None]  # the Abort button


async def test_data_loss_defaults_to_no_and_yes_needs_confirmation():
    # drizzle highlights "Yes" here; the dialog still starts on "No, abort"
    tricky = Prompt(DATA_LOSS.question, DATA_LOSS.choices, 1, DATA_LOSS.context)
    assert tricky.kind == "data-loss"
    assert await run_dialog(tricky, "enter") == [0]
    assert await run_dialog(DATA_LOSS, "2") == []  # waiting for y
    assert await run_dialog(DATA_LOSS, "down", "enter", "enter") == []  # Enter twice is not a confirmation
    assert await run_dialog(DATA_LOSS, "2", "y") == [1]
    assert await run_dialog(DATA_LOSS, "down", "enter", "y") == [1]
    assert await run_dialog(DATA_LOSS, "2", "up", "y") == []  # moving away cancels the pending "Yes"
    assert await run_dialog(DATA_LOSS, "y") == []  # y alone does nothing
    assert await run_dialog(DATA_LOSS, "2", "escape") == [None]
