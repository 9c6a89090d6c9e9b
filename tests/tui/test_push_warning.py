"""`P` in development: before the real drizzle-kit applies anything the console shows the development-only warning
and the statements it will execute; `n` applies nothing, `y` applies them (0.31.11 `push --strict --verbose`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import ModalScreen

from neontui.core.db.url import parse_url
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.push_confirm import PushConfirmDialog
from tests.drizzle_env import run_drizzle_kit
from tests.helpers import settle, table_columns
from tests.tui.test_layout_sizes import screen_text

pytestmark = pytest.mark.drizzle

SIZES = [(80, 24), (120, 40)]
WARNING = "push bypasses migrations: development only"
ADD_AGE = 'ALTER TABLE "users" ADD COLUMN "age" integer;'


@pytest.fixture
def edited(drizzle_project: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The generated project migrated by drizzle-kit, its schema then given `columns` new columns (see add)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    done = run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": database_url})
    assert done.returncode == 0, done.stdout + done.stderr
    return drizzle_project


def add_columns(root: Path, *names: str) -> None:
    schema = root / "schema.ts"
    extra = "".join(f", {n}: integer('{n}')" for n in names)
    schema.write_text(schema.read_text().replace("fullName: text('full_name')", f"fullName: text('full_name'){extra}"))




async def open_push_dialog(app: NeontuiApp, pilot) -> PushConfirmDialog:
    """Press P and wait (bounded: the kit's run, not a timing assertion) until the push dialog is on screen; the
    worker waits for the answer, so settle() would wait forever."""
    await pilot.press("P")
    for _ in range(300):
        if isinstance(app.screen, PushConfirmDialog):
            await pilot.pause()
            return app.screen
        await pilot.pause(0.05)
    toasts = [str(t.render()) for t in app.screen.query("Toast")]
    screen = app.screen
    if isinstance(screen, ModalScreen):  # another question: unblock the worker, or the app never shuts down
        screen.dismiss(None)
    raise AssertionError(f"no push dialog ({type(screen).__name__}, {toasts}); the log says:\n{log_text(app)}")


def log_text(app: NeontuiApp) -> str:
    return "\n".join(app.query_one("#log").log_widget.lines)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_push_shows_the_warning_and_the_statements_and_declining_applies_nothing(edited, database_url, size):
    add_columns(edited, "age")
    before = table_columns(database_url)
    app = NeontuiApp(Options(edited, url=database_url))
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        await open_push_dialog(app, pilot)
        shown = "\n".join(screen_text(app))
        await pilot.press("n")
        assert WARNING in shown and ADD_AGE in shown, shown
        assert f"Push these 1 statement(s) to {parse_url(database_url).dbname}?" in shown
        assert "Abort (n)" in shown and "Push (y)" in shown
        await settle(app, pilot)
        assert not isinstance(app.screen, PushConfirmDialog)
        assert "→ declined: nothing is applied" in log_text(app) and "nothing was applied" in log_text(app)
    assert table_columns(database_url) == before


async def test_y_pushes_the_statements(edited, database_url):
    add_columns(edited, "age")
    app = NeontuiApp(Options(edited, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_push_dialog(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        log = log_text(app)
        assert WARNING in log and ADD_AGE in log and "→ pushing these statements" in log
        assert "✓ changes applied" in log
    assert "age" in table_columns(database_url)


async def test_many_statements_scroll_and_the_answers_stay_on_screen_at_80x24(edited, database_url):
    names = [f"c{n:02d}" for n in range(30)]
    add_columns(edited, *names)
    app = NeontuiApp(Options(edited, url=database_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        dialog = await open_push_dialog(app, pilot)
        shown = "\n".join(screen_text(app))
        await pilot.press("escape")  # aborts, as n does (answered first: a failed assert must not strand the kit)
        assert len(dialog.prompt.statements) == 30
        assert WARNING in shown and "Push these 30 statement(s)" in shown and "Push (y)" in shown, shown
        await settle(app, pilot)
    assert not set(names) & set(table_columns(database_url))
