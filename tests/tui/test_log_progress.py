"""The log's progress bar while migrate or a dry run runs on the real PostgreSQL: statements done of the plan's
total, the statement running and the time since the run began, fed by the migrator's PlanReady, StatementStarted
and StatementFinished events; gone when the run ends. The second statement waits for an advisory lock the test
holds, so the bar is read while that statement runs, without timing anything."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from textual.widgets import Static

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.log_pane import LogPane, RunProgress
from tests.factories import sql_project
from tests.helpers import settle
from tests.tui.widgets.test_log_pane import settle as drain

B = "--> statement-breakpoint\n"
LOCK = 4242
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def slow_project(tmp_path: Path, database_url: str) -> Path:
    """One applied migration and one pending of three statements, the second waiting for advisory lock LOCK."""
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer);',
        "0001_slow": f"SELECT pg_sleep(0.3);\n{B}SELECT pg_advisory_xact_lock({LOCK});\n{B}SELECT pg_sleep(0.3);"
        .encode()}, database_url=database_url, applied=1)


@pytest.fixture
def held_lock(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (LOCK,))
        yield conn


def progress_row(pane: LogPane) -> str:
    """The progress line as the terminal draws it."""
    return pane.query_one("#progress", Static).render_line(0).text.strip()


async def bar_while_blocked(app: NeontuiApp, pilot, pane: LogPane, key: str, running: str = "0001_slow #1") -> str:
    """Start the run with `key` and return the bar once the second statement (waiting for LOCK) runs and the bar
    says so (`running`: as much of it as the pane's width shows)."""
    await pilot.press(key)
    for _ in range(400):  # the worker connects, plans and runs the first statement: wait until it is there
        # "1/3" arrives with the first statement's end, "#1" with the second's start: two events, read after both
        if pane.progress_text.startswith("1/3") and running in pane.progress_text:
            await pilot.pause()  # let the line be drawn from that text
            return progress_row(pane)
        await pilot.pause(0.05)
    raise AssertionError(f"the bar never reached the second statement: {pane.progress_text!r}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_migrate_shows_k_of_n_the_statement_and_elapsed_then_hides_it(slow_project: Path, database_url: str,
                                                                          held_lock: psycopg.Connection,
                                                                          size: tuple[int, int]):
    app = NeontuiApp(Options(slow_project, url=database_url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        row = await bar_while_blocked(app, pilot, pane, "m", "0001_slow #1" if size[0] >= 120 else "0001_sl")
        assert re.match(r"1/3( █*░+)? \d+\.\ds · 0001_sl", row), row  # at 80×24 the pane is ~30 wide
        assert len(row) <= pane.query_one("#progress", Static).content_region.width
        if size[0] >= 120:  # wide enough for the statement itself
            assert "0001_slow #1 SELECT pg_advisory_xact" in row, row
        held_lock.execute("select pg_advisory_unlock(%s)", (LOCK,))
        await settle(app, pilot)
        await drain(pilot, pane)
        assert progress_row(pane) == "" and pane.progress_text == ""  # gone with the run
        lines = pane.log_widget.lines
        assert [line.split()[:2] for line in lines if line.startswith("  0001_slow #")] == [
            ["0001_slow", "#0"], ["0001_slow", "#1"], ["0001_slow", "#2"]]
        assert any(line.startswith("✓ 0001_slow applied") for line in lines)
        assert pane.border_title == "Log · migrate · ✓ exit 0"


async def test_a_dry_run_shows_the_bar_too(slow_project: Path, database_url: str, held_lock: psycopg.Connection):
    app = NeontuiApp(Options(slow_project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        row = await bar_while_blocked(app, pilot, pane, "d")
        assert re.match(r"1/3 █+░+ \d+\.\ds · 0001_slow #1 SELECT pg_advisory_xact", row), row
        held_lock.execute("select pg_advisory_unlock(%s)", (LOCK,))
        await settle(app, pilot)
        await drain(pilot, pane)
        assert progress_row(pane) == ""
        assert pane.border_title == "Log · dry run · ✓ exit 0"


def test_the_bar_counts_finished_statements_and_always_shows_the_count():
    bar = RunProgress(4, since=0.0)
    bar.started("0001_x", 0, "CREATE TABLE a (id int)")
    assert bar.line(200).startswith("0/4 ░░░░░░░░░░░░ ")
    bar.finished()
    bar.started("0001_x", 1, "ALTER TABLE a ADD COLUMN b int")
    bar.finished()
    assert bar.line(200).startswith("2/4 ██████░░░░░░ ")
    assert bar.line(200).endswith("s · 0001_x #1 ALTER TABLE a ADD COLUMN b int")
    narrow = bar.line(30)  # no bar: the room goes to the statement
    assert re.match(r"2/4 \d+\.\ds · 0001_x #1 ", narrow) and len(narrow) == 30 and narrow.endswith("…"), narrow
