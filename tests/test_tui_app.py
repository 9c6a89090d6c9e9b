"""The console driven headless with Pilot against a real PostgreSQL: load, select, dry run, migrate, the
production gate, and no secret on screen."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.dialogs import ConfirmDialog
from neontui.tui.journal_pane import JournalPane
from tests.factories import sql_project

SECRET = "Tui-Secret-Pw"
B = "--> statement-breakpoint\n"
SEED = ("reviewed", "no-destructive-without-backup", "backwards-compatible", "tested-in-development", "backup-taken")


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "legacy" text);',
        "0001_drop": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "users" DROP COLUMN "legacy";'
                     .encode()}, database_url=database_url, applied=1)


def ledger_rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from drizzle.__drizzle_migrations").fetchone()[0]


async def settle(app: NeontuiApp, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_loads_selects_dry_runs_and_migrates(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    url = database_url.replace("postgresql://postgres:@", f"postgresql://postgres:{SECRET}@", 1)
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        assert journal.row_count == 2
        assert "development" in str(app.query_one("#status").render())
        assert SECRET not in app.export_screenshot()
        await pilot.press("d")
        await settle(app, pilot)
        assert ledger_rows(database_url) == 1  # the dry run rolled back
        await pilot.press("m")
        await settle(app, pilot)
        assert ledger_rows(database_url) == 2
        assert "0 pending" in journal.border_subtitle
        assert SECRET not in app.export_screenshot()


async def test_production_gate_cannot_be_bypassed(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url, env="production"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "PRODUCTION" in str(app.query_one("#status").render())
        await pilot.press("m")  # checklist incomplete: locked, nothing runs
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog) and ledger_rows(database_url) == 1
        for item in (*SEED, "ack-data-loss"):
            app.gate.checklist.check(item)
        await pilot.press("m")  # now only the typed confirmation is missing
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*"wrong", "enter")
        await settle(app, pilot)
        assert ledger_rows(database_url) == 1  # the policy refused the wrong name
        await pilot.press("m")
        await pilot.pause()
        database = app.gate.pending.database
        await pilot.press(*database, "enter")
        await settle(app, pilot)
        assert ledger_rows(database_url) == 2


async def test_moving_to_a_finding_shows_why_and_the_safe_alternative(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one("#sql").focus()
        await pilot.press("n")
        await pilot.pause()
        detail = str(app.query_one("#finding").render())
        assert "warning[drop-column] 0001_drop statement 1 (line 2, column 1)" in detail
        assert 'ALTER TABLE "users" DROP COLUMN "legacy";' in detail  # the rewrite, with the user's names


async def test_command_palette_offers_the_registered_actions(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Migrate", "Dry run", "Refresh", "Generate", "Export rollback SQL", "Audit log"} <= set(titles)
        app.running = True
        assert "Migrate" not in [c.title for c in app.get_system_commands(app.screen)]
        app.running = False
        await pilot.press("R")
        await pilot.pause()
        rollback = (project / ".neontui" / "rollback.sql").read_text()
        assert 'ALTER TABLE "users" DROP COLUMN "email";' in rollback  # undoes the ADD COLUMN
        assert "IRREVERSIBLE" in rollback  # the DROP COLUMN "legacy" cannot be undone
