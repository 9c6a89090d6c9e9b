"""The console's backup (b), schema diff (v) and restore (X) on a real PostgreSQL with a real pg_dump: a backup
checks the checklist's backup item, the diff shows what a migration changed since, and the restore asks for the
typed database name (what is lost listed first), then puts the database back and keeps the state before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from neontui.core.actions.audit import AuditLog
from neontui.core.db.url import parse_url, with_database
from neontui.core.gate.checklist import BACKUP_ID
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.backups import DiffScreen, NameDialog
from neontui.tui.screens.dialogs import ConfirmDialog
from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, secret_url, settle, table_exists

B = "--> statement-breakpoint\n"


def databases(url: str, pattern: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [name for (name,) in conn.execute("select datname from pg_database where datname like %s",
                                                 (pattern,))]


@pytest.fixture
def url(database_url: str, pg_admin_url: str, matching_pg_dump: Path) -> Iterator[str]:
    """The test database's URL (with the test secret); the backups and kept databases made of it are dropped
    afterwards. A pg_dump that can dump the test server is first on PATH (the diff needs it)."""
    name = parse_url(database_url).dbname or ""
    yield secret_url(database_url)
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        for made in databases(pg_admin_url, "neontui-backup-%") + databases(pg_admin_url, f"{name}-before-%"):
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(made)))


def log_text(app: NeontuiApp) -> str:
    return "\n".join(app.query_one("#log").log_widget.lines)


def toasts(app: NeontuiApp) -> str:
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def choose(app: NeontuiApp, pilot, key: str, name: str = "") -> None:
    """Press `key`, answer its name dialog with `name` (empty: the newest backup), let the work finish."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, NameDialog)
    await pilot.press(*name, "enter")
    await settle(app, pilot)


async def test_backup_diff_and_restore_from_the_console(tmp_path, url, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    database = parse_url(url).dbname or ""
    root = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer, "name" text);',
        "0001_orders": f'CREATE TABLE "orders" ("id" integer);{B}ALTER TABLE "users" ADD COLUMN "email" text;'
                       .encode()}, database_url=url, applied=1)
    app = NeontuiApp(Options(root, url=url))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert BACKUP_ID not in app.query_one("#checklist #items").selected
        await pilot.press("b")
        await settle(app, pilot)
        [backup] = databases(url, "neontui-backup-%")
        assert f"✓ backup {backup} taken" in log_text(app)
        assert BACKUP_ID in app.query_one("#checklist #items").selected  # reloaded: checked, with the backup

        await pilot.press("m")  # a migration after the backup
        await settle(app, pilot)
        assert len(ledger_rows(url)) == 2 and table_exists(url, "orders")

        await choose(app, pilot, "v")  # against the newest backup
        assert isinstance(app.screen, DiffScreen)
        shown = "\n".join(app.screen.lines)
        assert backup in shown.splitlines()[0] and "-CREATE TABLE public.orders (" in shown  # the target's only
        assert "-CREATE TABLE public.orders (" in log_text(app)
        await pilot.press("escape")
        await pilot.pause()

        await choose(app, pilot, "X")
        assert isinstance(app.screen, ConfirmDialog) and app.screen.database == database
        listed = "\n".join(app.screen.lines)
        assert f"restore database {parse_url(url).display_target()} from backup {backup}" in listed
        assert "everything written since then is kept only in the database" in listed
        assert f"every open session on {database} is ended" in listed
        await pilot.press(*"wrong", "enter")  # refused: nothing changes
        await settle(app, pilot)
        assert f"does not match the database name '{database}'" in toasts(app)
        assert len(ledger_rows(url)) == 2

        await choose(app, pilot, "X", backup)  # named, this time
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*database, "enter")
        await settle(app, pilot)
        [kept] = databases(url, f"{database}-before-%")
        assert f"the state before the restore is kept as {kept}" in log_text(app)
        assert "1 pending" in app.query_one("#journal").border_subtitle  # reloaded from the restored database
        assert SECRET not in app.export_screenshot() and SECRET not in log_text(app)
        assert not app.running
    assert len(ledger_rows(url)) == 1 and not table_exists(url, "orders")
    assert table_exists(with_database(url, kept), "orders")  # what the restore replaced is still there
    audit = [(r["action"], r["result"]) for r in AuditLog(root / ".neontui" / "audit.jsonl").read()]
    assert [r for a, r in audit if a == "restore"] == ["refused", "ok"], audit


async def test_restore_without_a_backup_says_so(tmp_path, url, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = sql_project(tmp_path / "app", {"0000_users": b'CREATE TABLE "users" ("id" integer);'}, database_url=url,
                       applied=1)
    app = NeontuiApp(Options(root, url=url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await choose(app, pilot, "X")
        assert "there is no neontui backup of" in app.screen.message and not app.running
    assert len(ledger_rows(url)) == 1
