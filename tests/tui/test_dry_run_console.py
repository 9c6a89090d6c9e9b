"""A dry run in the console (issue 14): the log shows the per-statement lines `neontui migrate --dry-run` prints
(locks, rewrites, rows: one display function for both), and after a failed dry run the journal cursor is on the
failed migration and the SQL pane shows its failing statement marked, also after the reload that follows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.journal_pane import JournalPane
from neontui.tui.widgets.log_pane import LogPane
from neontui.tui.widgets.sql_pane import SqlPane
from tests.factories import sql_project
from tests.helpers import neontui, settle
from tests.tui.widgets.test_log_pane import settle as drain

B = "--> statement-breakpoint\n"
SIZES = [(80, 24), (120, 40)]
BROKEN = "0002_backfill_the_missing_table"


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    """Two pending migrations after an applied one; the second fails on its third line (a missing table)."""
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer);\nINSERT INTO "users" VALUES (1), (2);',
        "0001_add_email": f'ALTER TABLE "users" ADD COLUMN "email" text;\n{B}'
                          'ALTER TABLE "users" ALTER COLUMN "id" TYPE bigint;\n'.encode(),
        BROKEN: f'UPDATE "users" SET "email" = \'x\';\n{B}ALTER TABLE "nowhere" ADD COLUMN "b" int;\n'.encode()},
        database_url=database_url, applied=1)


def normalized(lines: list[str]) -> list[str]:
    """Durations vary between two runs; everything else must be the same."""
    return [re.sub(r"\d+\.\d{3}s", "N.NNNs", line) for line in lines]


def cli_dry_run_lines(project: Path, url: str, state: Path) -> list[str]:
    result = neontui("migrate", str(project), "--dry-run", url=url, state=state)
    assert result.returncode == 4, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("dry run (rolled back"))
    end = next(i for i, line in enumerate(lines) if line.startswith("first error: "))
    return lines[start:end]


def cursor_tag(journal: JournalPane) -> str:
    return str(journal.coordinate_to_cell_key(journal.cursor_coordinate).row_key.value)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_failed_dry_run_logs_the_clis_lines_and_shows_the_failing_statement(project: Path, database_url: str,
                                                                                  tmp_path: Path,
                                                                                  size: tuple[int, int]):
    cli = cli_dry_run_lines(project, database_url, tmp_path / "state")
    assert any('REWRITES "public"."users"' in line for line in cli), cli
    assert any("2 row(s)" in line for line in cli) and cli[-1].endswith("FAILED"), cli
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        assert cursor_tag(journal) == "0001_add_email"  # it opens on the first pending one
        await pilot.press("d")
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        await drain(pilot, pane)
        lines = list(pane.log_widget.lines)
        start = lines.index(cli[0])
        assert normalized(lines[start:start + len(cli)]) == normalized(cli)  # the CLI's lines, in the log
        assert pane.border_title == "Log · dry run · ✗ exit 4"
        await pilot.press("escape")  # the error dialog
        await pilot.pause()
        assert cursor_tag(journal) == BROKEN  # the journal moved to the failed migration …
        sql = app.query_one(SqlPane)
        assert [m.tag for m in sql.migrations] == [BROKEN]
        shown = [sql.render_line(y).text for y in range(sql.scrollable_content_region.height)]
        marked = [row for row in shown if row.startswith("! ")]
        assert len(marked) == 1 and 'ALTER TABLE "nowhere"' in marked[0], shown  # … and its failing line is marked


async def test_a_passing_dry_run_logs_each_statements_locks_and_rows(project: Path, database_url: str):
    (project / "drizzle" / f"{BROKEN}.sql").write_text('UPDATE "users" SET "email" = \'x\';\n')
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        await drain(pilot, pane)
        lines = normalized(list(pane.log_widget.lines))
        statements = [line for line in lines if line.startswith(("  0001_add_email #", f"  {BROKEN} #"))]
        assert statements == ["  0001_add_email #0  N.NNNs  AccessExclusiveLock on users",  # locks newly taken
                              '  0001_add_email #1  N.NNNs  ShareLock on users; REWRITES "public"."users"',
                              f"  {BROKEN} #0  N.NNNs  RowExclusiveLock on users; 2 row(s)"], statements
        assert lines[-2] == "✓ dry run passed; everything was rolled back"
