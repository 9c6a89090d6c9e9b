"""The main screen's layout on a real project's shape at 80×24, 120×40 and 200×60: no stray block glyphs (the
scrollbars draw whole cells, no pane that wraps scrolls sideways), and the log gets more room while a run is under
way, back when it ends."""

from __future__ import annotations

import io
from pathlib import Path

import psycopg
import pytest
from rich.console import Console
from textual.app import App

from neontui.tui.app import NeontuiApp, Options
from tests.factories import sql_project
from tests.helpers import settle
from tests.tui.test_journal_layout import real_project  # noqa: F401  (the module's own 300-migration project)

SIZES = [(80, 24), (120, 40), (200, 60)]
# Textual's eighth-of-a-cell scrollbar ends and the footer's separator: on their own they read as garbage.
STRAY = set("▁▂▃▄▅▆▇▉▊▋▌▍▎▏")
LOCK_KEY = 4242


def screen_text(app: App[object]) -> list[str]:
    """The screen as plain text, row by row: what a copied terminal (or a monochrome one) shows."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      color_system=None, force_terminal=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))  # what App.export_screenshot renders
    return console.export_text().splitlines()


def stray_glyphs(lines: list[str]) -> list[tuple[int, str]]:
    return [(y, line) for y, line in enumerate(lines) if STRAY & set(line)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_stray_block_glyphs_on_the_main_screen(real_project, size):  # noqa: F811
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert app.query_one("#journal").show_vertical_scrollbar  # 300 rows: its scrollbar is there, in colour
        for step in ("opened", "scrolled"):
            lines = screen_text(app)
            assert not stray_glyphs(lines), f"{step}:\n" + "\n".join(lines)
            assert step == "scrolled" or any("→ pending" in line for line in lines)
            app.query_one("#journal").focus()
            await pilot.press("home", "j", "j")  # the thumb moves to a position that is not a whole cell
            await pilot.pause()
        for pane in ("#journal", "#log", "#finding-box"):  # they wrap or fit: never sideways
            assert not app.query_one(pane).allow_horizontal_scroll, pane


def slow_project(root: Path, url: str) -> Path:
    """One applied migration, one pending that waits for an advisory lock the test holds (then sleeps a moment,
    as a slow statement does)."""
    return sql_project(root, {
        "0000_init": b'CREATE TABLE "users" ("id" integer);',
        "0001_slow": f"SELECT pg_advisory_xact_lock({LOCK_KEY});\n--> statement-breakpoint\n"
                     "SELECT pg_sleep(0.5);".encode(),
    }, database_url=url, applied=1)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_log_grows_while_a_migration_runs(tmp_path, database_url, monkeypatch, size):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    project = slow_project(tmp_path / "app", database_url)
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        log, sql = app.query_one("#log"), app.query_one("#sql")
        before = (log.outer_size.height, sql.outer_size.height)
        with psycopg.connect(database_url, autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))  # the migration waits while we look
            await pilot.press("m")
            for _ in range(500):  # until the run has started and the layout followed (not a timing assert)
                await pilot.pause()
                if app.has_class("-running") and log.outer_size.height != before[0]:
                    break
            assert app.running, (app.screen, app.query_one("#log").log_widget.lines)
            during = (log.outer_size.height, sql.outer_size.height)
            assert "running" in log.border_title
            holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        await settle(app, pilot)
        assert not app.running and "0 pending" in app.query_one("#journal").border_subtitle
        await pilot.pause()
        after = (log.outer_size.height, sql.outer_size.height)
    assert during[0] > before[0] and during[1] < before[1], (before, during)
    assert after == before
