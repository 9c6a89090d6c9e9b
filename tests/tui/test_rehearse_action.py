"""The console's rehearsal (key t) against a real PostgreSQL: the pending batch runs on a disposable copy, the log
and the report show every statement and that the copy is gone, the target stays as it was, and the checklist shows
what the rehearsal recorded ("Tested in development" checked, or the production gate's refusal)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from neontui.core.db.url import parse_url
from neontui.core.display import observed_line
from neontui.core.gate.checklist import TESTED_ID
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.keymap import help_text
from neontui.tui.screens.dialogs import ErrorDialog
from neontui.tui.screens.rehearsal import RehearsalScreen
from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, secret_url, settle, table_exists

B = "--> statement-breakpoint\n"
PRODUCTION_TOML = 'default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\nproduction = true\n'


def log_text(app: NeontuiApp) -> str:
    return "\n".join(app.query_one("#log").log_widget.lines)


def checked(app: NeontuiApp) -> list[str]:
    return list(app.query_one("#checklist #items").selected)


def rehearsal_copies(database_url: str) -> list[str]:
    """The databases on the server named as neontui's rehearsal copies (the copy must be gone afterwards)."""
    with psycopg.connect(database_url) as conn:
        return [name for (name,) in conn.execute("select datname from pg_database where datname like %s",
                                                 ("neontui-rehearsal-%",))]


def project(tmp_path: Path, database_url: str, second: str) -> Path:
    """`users` applied; pending: 0001_orders, whose second statement is `second`."""
    return sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer, "legacy" text);',
        "0001_orders": f'CREATE TABLE "orders" ("id" integer, "user_id" integer);{B}{second}'.encode()},
        database_url=database_url, applied=1)


async def rehearse(app: NeontuiApp, pilot, key: str = "t") -> RehearsalScreen:
    await settle(app, pilot)
    await pilot.press(key)
    await settle(app, pilot)  # the run, then the reload it asks for
    screen = app.screen
    assert isinstance(screen, RehearsalScreen)
    return screen


async def test_rehearse_key_runs_the_batch_on_a_copy_and_checks_tested(tmp_path, database_url, passing, monkeypatch,
                                                                       matching_pg_dump):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    before = ledger_rows(database_url)
    app = NeontuiApp(Options(passing, url=secret_url(database_url)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert TESTED_ID not in checked(app)
        assert "Rehearse on a copy" in [c.title for c in app.get_system_commands(app.screen)]  # the palette too
        assert "t / F9" in help_text() and "Rehearse on a copy" in help_text()  # and the help screen
        screen = await rehearse(app, pilot)
        report = screen.outcome.report
        assert report is not None and report.ok and len(report.statements) == 2
        assert screen.lines[0].startswith("✓ rehearsal passed: 1 of 1 migration(s) applied on the copy")
        shown, log = "\n".join(screen.lines), log_text(app)
        for statement in report.statements:  # the one formatter, on the screen and in the log
            assert observed_line(statement) in shown and observed_line(statement) in log
        assert 'on orders' in shown and 'ADD COLUMN "email" text' in shown  # what each statement locked and ran
        assert "schema change (target → copy): 1 added, 1 changed: added TABLE public.orders" in shown
        assert "    +CREATE TABLE public.orders (" in shown  # the diff itself, after the summary
        assert "the copy was removed; the target was not changed" in log
        assert SECRET not in app.export_screenshot() and SECRET not in log
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RehearsalScreen)
        assert TESTED_ID in checked(app)  # reloaded: the rehearsal checked it, with itself as evidence
        assert app.gate is not None and app.gate.checklist.rehearsal is not None
        assert not app.running
    assert ledger_rows(database_url) == before and not table_exists(database_url, "orders")
    assert rehearsal_copies(database_url) == []


async def test_a_failing_rehearsal_leaves_the_target_and_locks_production(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("DATABASE_URL", secret_url(database_url))
    monkeypatch.delenv("NEONTUI_ENV", raising=False)
    root = project(tmp_path, database_url, 'ALTER TABLE "no_such_table" ADD COLUMN "x" integer;')
    (root / "neontui.toml").write_text(PRODUCTION_TOML)
    before = ledger_rows(database_url)
    app = NeontuiApp(Options(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "PRODUCTION" in str(app.query_one("#status").render())
        screen = await rehearse(app, pilot, "f9")  # the F-key fallback
        shown = "\n".join(screen.lines)
        assert screen.lines[0].startswith("✗ rehearsal FAILED on the copy: ") and "no_such_table" in screen.lines[0]
        assert "0001_orders #1" in shown and "  FAILED  " in shown  # the statement that failed, located
        assert "the copy was removed; the target was not changed" in shown
        assert "the production gate stays locked for this pending set" in shown
        assert "✗ rehearsal FAILED" in log_text(app)
        await pilot.press("escape")
        await pilot.pause()
        lock = str(app.query_one("#checklist #lock").render())
        assert "migrate locked: the rehearsal of this pending set failed" in lock, lock
        assert TESTED_ID not in checked(app)
        assert SECRET not in app.export_screenshot()
    assert ledger_rows(database_url) == before and not table_exists(database_url, "orders")
    assert rehearsal_copies(database_url) == []


async def test_nothing_pending_rehearses_nothing(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = project(tmp_path, database_url, "select 1;")
    app = NeontuiApp(Options(root, url=database_url))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("m")  # apply the batch: nothing is left to rehearse
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert not isinstance(app.screen, RehearsalScreen) and not app.running
        assert "Nothing pending: nothing to rehearse" in "\n".join(str(t.render()) for t in app.screen.query("Toast"))
    assert rehearsal_copies(database_url) == []


@pytest.fixture
def passing(tmp_path: Path, database_url: str) -> Path:
    return project(tmp_path, database_url, 'ALTER TABLE "users" ADD COLUMN "email" text;')


@pytest.fixture
def without_createdb(passing: Path, database_url: str) -> Iterator[str]:
    """`database_url` logged in as a role that may read the ledger but not create databases (so no copy)."""
    name = f"neontui_r_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB PASSWORD {}").format(sql.Identifier(name),
                                                                                   sql.Literal(SECRET)))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA drizzle TO {0}; GRANT SELECT ON ALL TABLES IN SCHEMA drizzle "
                             "TO {0}").format(sql.Identifier(name)))
    sep = "&" if "?" in database_url else "?"
    yield f"{database_url}{sep}user={quote(name, safe='')}&password={quote(SECRET, safe='')}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(name)))


async def test_no_copy_means_nothing_ran_and_one_line_why(tmp_path, database_url, passing, without_createdb,
                                                          monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    before = ledger_rows(database_url)
    app = NeontuiApp(Options(passing, url=without_createdb))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, ErrorDialog), app.screen  # loaded: the role reads the ledger
        screen = await rehearse(app, pilot)
        assert screen.outcome.report is None and len(screen.lines) == 1
        assert screen.lines[0].startswith("✗ the rehearsal did not run: ") and "may not create databases" in \
            screen.lines[0]
        assert SECRET not in app.export_screenshot() and not app.running
        await pilot.press("escape")
        await pilot.pause()
        assert TESTED_ID not in checked(app)
    assert ledger_rows(database_url) == before and rehearsal_copies(database_url) == []


@pytest.mark.neon_api
async def test_on_neon_the_console_rehearses_on_a_branch_and_deletes_it(tmp_path, database_url, pg_admin_url,
                                                                        passing, monkeypatch):
    from tests.db.neon.conftest import API_KEY
    from tests.neon_server import NeonLocal

    key_env = "NEONTUI_TEST_NEON_KEY"  # never NEON_API_KEY: a developer's real key must not reach a test server
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv(key_env, API_KEY)
    parsed = parse_url(database_url)
    server = NeonLocal(pg_admin_url, database_url, api_key=API_KEY, db_name=parsed.dbname or "",
                       role=parsed.user or "")
    try:
        (passing / "neontui.toml").write_text(
            f'default_target = "main"\n\n[neon]\napi_url = "{server.url}"\napi_key_env = "{key_env}"\n\n'
            f'[targets.main]\nurl_env = "DATABASE_URL"\nproduction = false\nneon_project = "{server.project.id}"\n'
            'neon_branch = "main"\n')
        monkeypatch.setenv("DATABASE_URL", secret_url(database_url))
        before = ledger_rows(database_url)
        app = NeontuiApp(Options(passing))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await rehearse(app, pilot)
            report = screen.outcome.report
            assert report is not None and report.ok and report.copy.kind == "neon-branch"
            assert f"on Neon branch {report.copy.name} ({report.copy.branch_id})" in screen.lines[1]
            assert report.copy.branch_id in server.project.deleted  # made, then deleted
            assert "the copy was removed; the target was not changed" in log_text(app)
            assert "schema change (target → copy): " in "\n".join(screen.lines)  # Neon's compare_schema
            assert API_KEY not in app.export_screenshot() + log_text(app) and SECRET not in log_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert TESTED_ID in checked(app)
        assert ledger_rows(database_url) == before and not table_exists(database_url, "orders")
    finally:
        server.close()
    assert not server.violations, "Neon API spec violations:\n" + "\n".join(server.violations)
