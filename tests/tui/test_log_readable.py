"""The log pane reads whole (issue 14): long lines wrap at word boundaries instead of ending at the pane's edge,
the border title names the run under way, every run ends with a separator giving its exit code and duration, and
`f` pauses / resumes following new output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.log_pane import LogPane, WrappedLog
from tests.factories import sql_project
from tests.helpers import settle
from tests.tui.widgets.test_log_pane import settle as drain

SIZES = [(80, 24), (120, 40)]
# 300 characters of distinct words, as drizzle-kit prints a failing statement: no word may be lost at the edge
WORDS = [f"word{i:02d}_{'x' * (i % 7)}" for i in range(30)]
LONG = " ".join(WORDS)[:300]
SEPARATOR = re.compile(r"── ([✓✗]) (.+) · exit (\d+) · (\d+\.\d) s ──$")


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogPane(transcript_path=None, keep_transcript=False, id="pane")


def screen_rows(log: WrappedLog) -> list[str]:
    """What the log shows now, row by row, as the terminal would get it."""
    return [log.render_line(y).text.rstrip() for y in range(log.size.height)]


def all_rows(log: WrappedLog) -> list[str]:
    """Every visual row of the log at its current width (what scrolling through it shows)."""
    return [log.row_text(row) for row in range(log.row_count)]


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # never write into the real home


@pytest.mark.parametrize("size", SIZES)
async def test_a_300_character_line_wraps_whole_at_word_boundaries(size: tuple[int, int]):
    words = LONG.split()
    app = PaneApp()
    async with app.run_test(size=size) as pilot:
        pane = app.query_one(LogPane)
        pane.post_lines(["before", LONG, "after"])
        await drain(pilot, pane)
        log = pane.log_widget
        rows = screen_rows(log)
        shown = [row for row in rows if row]
        assert shown[0] == "before" and shown[-1] == "after"
        wrapped = shown[1:-1]
        assert len(wrapped) > 1
        assert " ".join(wrapped).split() == words  # every word, whole and in order
        assert all(len(row) <= log.size.width for row in rows)
        assert log.max_scroll_x == 0  # nothing hides to the right
        assert list(log.lines) == ["before", LONG, "after"]  # search and save still see the line as written


async def test_rewrapping_on_resize_keeps_every_word():
    app = PaneApp()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(LogPane)
        pane.post_lines([LONG] * 3)
        await drain(pilot, pane)
        wide = pane.log_widget.row_count
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = all_rows(pane.log_widget)
        assert len(narrow) > wide
        assert " ".join(narrow).split() == LONG.split() * 3


async def test_the_title_names_the_run_and_a_separator_ends_it():
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(LogPane)
        assert pane.border_title == "Log"
        pane.begin_run("drizzle-kit generate")
        assert pane.border_title == "Log · drizzle-kit generate · running"
        pane.post_line("[✓] Your SQL migration file ➜ drizzle/0001_lazy.sql 🚀")
        pane.end_run(4)
        pane.end_run(0)  # a second end of the same run changes nothing
        await drain(pilot, pane)
        assert pane.border_title == "Log · drizzle-kit generate · ✗ exit 4"
        rows = [row for row in screen_rows(pane.log_widget) if row]
        assert rows[0] == "── drizzle-kit generate ──"
        match = SEPARATOR.match(rows[-1])
        assert match is not None and match.group(1, 2, 3) == ("✗", "drizzle-kit generate", "4"), rows


B = "--> statement-breakpoint\n"
LONG_TABLE = "resource_permissions_and_messenger_credentials"


@pytest.fixture
def failing_project(tmp_path: Path, database_url: str) -> Path:
    """One applied migration and one pending whose second statement fails with a long error message."""
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer);',
        "0001_resource_permissions_and_messenger_credentials":
            f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "{LONG_TABLE}" ADD COLUMN '
            f'"messenger_credentials_encrypted_with_the_workspace_key" text;'.encode()},
        database_url=database_url, applied=1)


@pytest.mark.parametrize("size", SIZES)
async def test_a_failing_dry_run_is_titled_wrapped_and_separated(failing_project: Path, database_url: str,
                                                                 size: tuple[int, int]):
    app = NeontuiApp(Options(failing_project, url=database_url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        await pilot.press("d")
        await settle(app, pilot)
        await drain(pilot, pane)
        assert pane.border_title == "Log · dry run · ✗ exit 4"
        log = pane.log_widget
        rows = all_rows(log)
        assert all(len(row) <= log.size.width for row in rows)
        errors = [line for line in log.lines if line.startswith("✗ ")]
        assert errors and f'relation "{LONG_TABLE}" does not exist' in errors[-1]
        # the error's wrapped rows (up to the separator) show every character of it; a word wider than the pane
        # (the 50-character tag at 80 columns) is folded, not cut
        start = next(i for i, row in enumerate(rows) if row.startswith("✗"))
        end = max(i for i, row in enumerate(rows) if row.startswith("── ✗"))  # the separator's first row
        assert "".join(" ".join(rows[start:end]).split()) == "".join(errors[-1].split())
        match = SEPARATOR.match(log.lines[-1])
        assert match is not None and match.group(1, 2, 3) == ("✗", "dry run", "4"), rows[end:]


async def test_a_passing_dry_run_ends_with_exit_0(failing_project: Path, database_url: str):
    (failing_project / "drizzle" / "0001_resource_permissions_and_messenger_credentials.sql").write_text(
        'ALTER TABLE "users" ADD COLUMN "email" text;')
    app = NeontuiApp(Options(failing_project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        await pilot.press("d")
        await settle(app, pilot)
        await drain(pilot, pane)
        assert pane.border_title == "Log · dry run · ✓ exit 0"
        rows = [row for row in screen_rows(pane.log_widget) if row]
        assert "── dry run ──" in rows
        match = SEPARATOR.match(rows[-1])
        assert match is not None and match.group(1, 2, 3) == ("✓", "dry run", "0"), rows


async def test_f_pauses_and_resumes_following_new_output():
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(LogPane)
        pane.post_lines([f"line {i}" for i in range(100)])
        await drain(pilot, pane)
        pane.log_widget.focus()
        await pilot.press("f")
        assert pane.border_subtitle == "paused · f follows"
        pane.post_lines([f"later {i}" for i in range(50)])
        await drain(pilot, pane)
        shown = [row for row in screen_rows(pane.log_widget) if row]
        assert shown[-1] == "line 99"  # the view stayed where the reader paused it
        await pilot.press("f")
        await pilot.pause()
        assert pane.border_subtitle == ""
        assert [row for row in screen_rows(pane.log_widget) if row][-1] == "later 49"
