"""The console driven headless with Pilot against a real PostgreSQL: load, select, dry run, migrate, and no
secret on screen (the production gate's console paths are in tests/db/guarantees/test_gate.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.core.actions.audit import AuditLog
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.journal_pane import JournalPane
from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, secret_url, settle

B = "--> statement-breakpoint\n"


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "legacy" text);',
        "0001_drop": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "users" DROP COLUMN "legacy";'
                     .encode()}, database_url=database_url, applied=1)


async def test_loads_selects_dry_runs_and_migrates(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    url = secret_url(database_url)
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        assert journal.row_count == 2
        assert "development" in str(app.query_one("#status").render())
        assert SECRET not in app.export_screenshot()
        await pilot.press("d")
        await settle(app, pilot)
        assert len(ledger_rows(database_url)) == 1  # the dry run rolled back
        await pilot.press("m")
        await settle(app, pilot)
        assert len(ledger_rows(database_url)) == 2
        assert "0 pending" in journal.border_subtitle
        assert SECRET not in app.export_screenshot()


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


async def test_keymap_from_settings_and_a_small_terminal(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (project / "neontui.toml").write_text('[keys]\ndry_run = "D"\n')
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.query_one(JournalPane).row_count == 2
        await pilot.press("D")  # remapped: the dry run runs and rolls back
        await settle(app, pilot)
        assert "dry run passed" in "\n".join(app.query_one("#log").log_widget.lines)
        assert len(ledger_rows(database_url)) == 1


@pytest.mark.drizzle
async def test_generate_asks_for_a_name_and_writes_a_custom_migration(project, database_url, monkeypatch,
                                                                     tmp_path):
    from tests.drizzle_env import node_modules

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (project / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    (project / "schema.ts").write_text("export {};\n")
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"hand_written")  # the name field has the focus
        await pilot.click("#custom")
        await pilot.click("#go")
        await settle(app, pilot)
    assert (project / "drizzle" / "0002_hand_written.sql").read_text().startswith("-- Custom SQL migration file")


async def test_an_unexpected_worker_error_becomes_a_dialog_without_secrets(project, database_url, monkeypatch,
                                                                            tmp_path):
    from neontui.tui.screens.dialogs import ErrorDialog

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)

        def explode(*_args, **_kwargs):
            raise RuntimeError(f"boom at postgresql://app:{SECRET}@host/db")

        monkeypatch.setattr("neontui.core.actions.migrate.execute", explode)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "RuntimeError: boom at postgresql://app:****@host/db" in app.screen.message
        assert SECRET not in app.export_screenshot() and not app.running
    reports = list((tmp_path / "state" / "neontui").glob("crash-*.txt"))
    assert len(reports) == 1 and SECRET not in reports[0].read_text()


@pytest.mark.drizzle
async def test_studio_starts_and_stops_from_the_console(project, database_url, monkeypatch, tmp_path):
    import socket

    from tests.drizzle_env import node_modules

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (project / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    (project / "schema.ts").write_text("import { pgTable, integer } from 'drizzle-orm/pg-core';\n"
                                       "export const users = pgTable('users', { id: integer('id') });\n")
    with socket.socket() as probe:  # studio's default port must be free for this test
        if probe.connect_ex(("127.0.0.1", 4983)) == 0:
            pytest.skip("port 4983 is in use on this machine")
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        studio = app.studio
        assert studio is not None and studio.running
        await pilot.press("S")
        await settle(app, pilot)
        assert app.studio is None and not studio.running


async def test_the_audit_view_reads_the_configured_audit_log(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (project / "neontui.toml").write_text('audit_log = "logs/audit.jsonl"\n')
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # a dry run: its record goes to the configured log
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        shown = "\n".join(app.query_one("#log").log_widget.lines)
    assert [r["action"] for r in AuditLog(project / "logs" / "audit.jsonl").read()] == ["dry-run"]
    assert not (project / ".neontui" / "audit.jsonl").exists()
    assert " dry-run dry-run" in shown, shown  # the record's action and result, read from logs/audit.jsonl


@pytest.fixture
def held_review(monkeypatch):
    """The console's review held until the test sets the returned event: what the screen shows before the review is
    loaded then depends on the app alone, not on how fast the machine is."""
    import threading

    import neontui.core.safety.review as review_module

    release = threading.Event()
    real_analyze = review_module.analyze

    def analyze_when_released(*args, **kwargs):
        assert release.wait(30), "the test never released the review"
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(review_module, "analyze", analyze_when_released)
    return release


async def test_the_journal_shows_before_the_review_has_run(project, database_url, held_review, monkeypatch,
                                                           tmp_path):
    """The load's first half (the ledger read) fills the journal; findings, SQL and the checklist follow."""
    from neontui.tui.messages import StatusRead

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    seen: list[tuple[int, bool, str]] = []

    class Watched(NeontuiApp):
        def on_status_read(self, message: StatusRead) -> None:  # runs before NeontuiApp.show_status
            def look() -> None:
                seen.append((self.query_one(JournalPane).row_count, self.gate is None,
                             self.query_one(JournalPane).border_subtitle))
                held_review.set()

            self.call_after_refresh(look)

    app = Watched(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert seen == [(2, True, "2 migrations, 1 pending")]
        assert app.gate is not None and [f.rule for f in app.gate.review.findings] == ["drop-column"]


async def test_migrate_asked_for_before_the_review_has_loaded_runs_once_it_has(project, database_url, held_review,
                                                                               monkeypatch, tmp_path):
    """The journal is on screen before the review: `m` pressed then is not lost, it goes through the gate once the
    review is loaded (here, in development, it applies)."""
    from neontui.tui.messages import StatusRead

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    said: list[str] = []

    class Watched(NeontuiApp):
        def on_status_read(self, message: StatusRead) -> None:
            def press() -> None:
                self.action_migrate()  # what the m key calls
                said.append(str(self.query_one("#status").render()))
                held_review.set()

            self.call_after_refresh(press)

    app = Watched(Options(project, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "migrate: waits for the review to load" in said[0]
        assert len(ledger_rows(database_url)) == 2  # applied after the load, as if pressed then
        assert "0 pending" in app.query_one(JournalPane).border_subtitle
