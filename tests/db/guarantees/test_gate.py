"""The production-gate family: no path changes a production database until the policy allows it.

In production (here: a neontui.toml target with `production = true`, never `--env` alone) migrate needs the
complete safety checklist and the typed database name, a dry run needs the complete checklist, and push is refused
unless the target has `allow_push = true` — then it needs both, like migrate. Every path that can start one of
them is driven the way a user starts it — the CLI as a process, the console's key bindings and command palette
with Textual's pilot — against a real PostgreSQL (the real drizzle-kit for push and `--engine drizzle-kit`), and
each test asserts what the user feels: the exit code or the refusal on screen, and the database left as it was
(the ledger and the table the batch or the push would create) until the gate opens.

Which target is production is decided from the connection's identity (the second half of this module): the
production target's URL passed with `--url`, the same server under another name (a symlinked socket folder, a
service file), a server this machine saw as production before; no flag or variable downgrades it; its checklist is
bound to the server; a production run refuses to start when its audit record could not be written.

To extend the family: a new way to start a database-changing action gets a case here; then make the check that
guards it a no-op once by hand, see the case fail, and restore the check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from neontui.core.db.url import parse_url, with_database
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.dialogs import ConfirmDialog
from tests.factories import sql_project
from tests.helpers import ledger_rows, neontui, settle, table_exists

B = "--> statement-breakpoint\n"
PENDING_TABLE = "orders"  # created by the pending migration
PUSHED_TABLE = "accounts"  # created by drizzle-kit push from schema.ts
SCHEMA_TS = ("import { pgTable, integer, serial, text } from 'drizzle-orm/pg-core';\n"
             "export const users = pgTable('users', { id: integer('id'), legacy: text('legacy') });\n"
             f"export const accounts = pgTable('{PUSHED_TABLE}', {{ id: serial('id').primaryKey() }});\n")


def production_toml(*, allow_push: bool) -> str:
    return ('default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\nproduction = true\n'
            f"allow_push = {'true' if allow_push else 'false'}\n")


def production_project(tmp_path: Path, database_url: str, *, allow_push: bool = False,
                       drizzle_kit: bool = False) -> Path:
    """`users` applied; pending: `orders` and a dropped column (a finding, so the checklist has a derived item);
    schema.ts adds `accounts` for push; production by neontui.toml."""
    root = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer, "legacy" text);',
        "0001_orders": f'CREATE TABLE "{PENDING_TABLE}" ("id" integer, "user_id" integer);{B}'
                       'ALTER TABLE "users" DROP COLUMN "legacy";'.encode(),
    }, database_url=database_url, applied=1)
    (root / "schema.ts").write_text(SCHEMA_TS)
    (root / "neontui.toml").write_text(production_toml(allow_push=allow_push))
    if drizzle_kit:
        from tests.drizzle_env import node_modules

        (root / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    return root


def assert_nothing_applied(url: str) -> None:
    assert len(ledger_rows(url)) == 1, "the ledger changed"
    assert not table_exists(url, PENDING_TABLE) and not table_exists(url, PUSHED_TABLE)


def complete_checklist(root: Path, url: str, state: Path) -> None:
    """Check every item that can be checked, as an operator does with `neontui checklist`."""
    shown = neontui("checklist", str(root), "--json", url=url, state=state)
    items = [i["id"] for i in json.loads(shown.stdout)["items"] if i["can_check"]]
    done = neontui("checklist", str(root), *[a for i in items for a in ("--check", i)], url=url, state=state)
    assert done.returncode == 0, done.stdout + done.stderr


def refuse_without_the_typed_name(run: Callable[..., subprocess.CompletedProcess], database: str,
                                  url: str) -> None:
    """With the checklist complete, a missing or wrong `--confirm` still refuses (exit 1) and applies nothing."""
    for extra, why in (((), f"type the database name {database} to confirm"),
                       (("--confirm", "not-" + database), f"does not match the database name '{database}'")):
        refused = run(*extra)
        assert refused.returncode == 1 and why in refused.stdout, refused.stdout + refused.stderr
        assert_nothing_applied(url)


def audit_results(root: Path) -> list[tuple[str, str]]:
    log = root / ".neontui" / "audit.jsonl"
    lines = log.read_text().splitlines() if log.exists() else []
    return [(r["action"], r["result"]) for r in map(json.loads, lines)]


# --- the CLI -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["native", pytest.param("drizzle-kit", marks=pytest.mark.drizzle)])
def test_cli_migrate_in_production_needs_the_checklist_and_the_typed_name(engine, tmp_path, database_url):
    root = production_project(tmp_path, database_url, drizzle_kit=engine == "drizzle-kit")
    database = parse_url(database_url).dbname

    def migrate(*extra: str):
        return neontui("migrate", str(root), "--engine", engine, *extra, url=database_url, state=tmp_path)

    locked = migrate("--confirm", database, "--yes")  # the right name does not unlock an incomplete checklist
    assert locked.returncode == 1, locked.stdout + locked.stderr
    assert "migrate refused:" in locked.stdout and "checklist items unchecked" in locked.stdout
    assert_nothing_applied(database_url)
    complete_checklist(root, database_url, tmp_path)
    refuse_without_the_typed_name(migrate, database, database_url)
    applied = migrate("--confirm", database)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert len(ledger_rows(database_url)) == 2 and table_exists(database_url, PENDING_TABLE)
    assert [r for _, r in audit_results(root)] == ["refused", "refused", "refused", "ok"]


def test_cli_dry_run_in_production_needs_the_checklist_but_no_typed_name(tmp_path, database_url):
    root = production_project(tmp_path, database_url)
    locked = neontui("migrate", str(root), "--dry-run", url=database_url, state=tmp_path)
    assert locked.returncode == 1, locked.stdout + locked.stderr
    assert "dry-run refused:" in locked.stdout and "checklist items unchecked" in locked.stdout
    assert "dry run (rolled back" not in locked.stdout
    complete_checklist(root, database_url, tmp_path)
    ran = neontui("migrate", str(root), "--dry-run", url=database_url, state=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "dry run (rolled back" in ran.stdout
    assert_nothing_applied(database_url)  # rolled back
    assert audit_results(root) == [("dry-run", "refused"), ("dry-run", "dry-run")]


@pytest.mark.drizzle
def test_cli_push_in_production_needs_allow_push_the_checklist_and_the_typed_name(tmp_path, database_url):
    root = production_project(tmp_path, database_url, drizzle_kit=True)
    database = parse_url(database_url).dbname

    def push(*extra: str):
        return neontui("push", str(root), *extra, url=database_url, state=tmp_path)

    complete_checklist(root, database_url, tmp_path)
    forbidden = push("--confirm", database)  # everything else in order: the target still forbids push
    assert forbidden.returncode == 1, forbidden.stdout + forbidden.stderr
    assert "push is a development tool: refused in production (set allow_push = true for target prod" \
        in forbidden.stdout
    assert_nothing_applied(database_url)
    (root / "neontui.toml").write_text(production_toml(allow_push=True))
    unchecked = neontui("checklist", str(root), "--uncheck", "reviewed", url=database_url, state=tmp_path)
    assert unchecked.returncode == 1
    locked = push("--confirm", database)
    assert locked.returncode == 1 and "push locked: 1 checklist item unchecked" in locked.stdout, locked.stdout
    assert_nothing_applied(database_url)
    complete_checklist(root, database_url, tmp_path)
    refuse_without_the_typed_name(push, database, database_url)
    applied = push("--confirm", database)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "changes applied" in applied.stdout and table_exists(database_url, PUSHED_TABLE)


# --- the console ---------------------------------------------------------------------------------------------------
# The console has no button that starts migrate, dry run or push: its key bindings and the command palette are the
# only ways, so those are the cases.

WAYS = {  # action → the ways to start it: a key, or "palette:<what the user types>"
    "migrate": ("m", "f6", "palette:Migrate"),
    "dry_run": ("d", "f7", "palette:Dry run"),
    "push": ("P", "palette:drizzle-kit push"),
}
RUN_HEADERS = {"migrate": "── migrate ──", "dry_run": "── dry run ──"}  # the log's first line of a run


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    """The console as a user starts it: the URL from DATABASE_URL, neontui's state in a private directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("NEONTUI_ENV", raising=False)
    return tmp_path


def toasts(app: NeontuiApp) -> str:
    """The notifications on screen, as the user reads them (run_test(notifications=True))."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def log_text(app: NeontuiApp) -> str:
    return "\n".join(app.query_one("#log").log_widget.lines)


async def start(app: NeontuiApp, pilot, way: str) -> None:
    if not way.startswith("palette:"):
        await pilot.press(way)
        return
    await pilot.press("ctrl+p")
    await pilot.press(*way.removeprefix("palette:"))
    await settle(app, pilot)  # the palette searches in a worker
    await pilot.press("down", "enter")  # the best match, as the user picks it


CASES = [pytest.param(action, way, allow_push, id=f"{action}-{way}" + ("-allow_push" if allow_push else ""),
                      marks=[pytest.mark.drizzle] if action == "push" else [])
         for action, ways in WAYS.items() for way in ways
         for allow_push in ((False, True) if action == "push" else (False,))]


@pytest.mark.parametrize(("action", "way", "allow_push"), CASES)
async def test_console_in_production_runs_nothing_and_says_why(action, way, allow_push, tmp_path, database_url,
                                                               state):
    root = production_project(tmp_path, database_url, allow_push=allow_push, drizzle_kit=action == "push")
    app = NeontuiApp(Options(root))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert "PRODUCTION" in str(app.query_one("#status").render())
        await start(app, pilot, way)
        await settle(app, pilot)  # a run that started has finished by now
        assert_nothing_applied(database_url)
        assert not isinstance(app.screen, ConfirmDialog) and not app.running
        assert RUN_HEADERS.get(action, "✓ changes applied") not in log_text(app), "the run started"
        shown = toasts(app)
        if action == "push" and not allow_push:
            assert "Push locked" in shown and "push is a development tool: refused in production" in shown
        else:
            verb = {"migrate": "migrate", "dry_run": "dry-run", "push": "push"}[action]
            assert f"{verb} locked: 6 checklist items unchecked" in shown, shown
    assert audit_results(root) == []  # nothing was even attempted


async def test_console_migrate_in_production_asks_for_the_typed_name(tmp_path, database_url, state):
    root = production_project(tmp_path, database_url)
    complete_checklist(root, database_url, state)
    database = parse_url(database_url).dbname
    app = NeontuiApp(Options(root))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen.database == database
        await pilot.press("escape")  # cancelled: nothing runs
        await settle(app, pilot)
        assert_nothing_applied(database_url)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"[/]wrong", "enter")  # markup-like text is shown as typed, never parsed
        await settle(app, pilot)
        assert_nothing_applied(database_url)
        assert f"typed confirmation '[/]wrong' does not match the database name '{database}'" in toasts(app)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*database, "enter")
        await settle(app, pilot)
        assert len(ledger_rows(database_url)) == 2 and table_exists(database_url, PENDING_TABLE)
    assert [r for _, r in audit_results(root)] == ["refused", "ok"]


@pytest.mark.drizzle
async def test_console_push_in_production_asks_for_the_typed_name(tmp_path, database_url, state):
    root = production_project(tmp_path, database_url, allow_push=True, drizzle_kit=True)
    complete_checklist(root, database_url, state)
    database = parse_url(database_url).dbname
    app = NeontuiApp(Options(root))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen.title_text == "Push to PRODUCTION"
        await pilot.press(*"wrong", "enter")
        await settle(app, pilot)
        assert not table_exists(database_url, PUSHED_TABLE)
        assert f"typed confirmation 'wrong' does not match the database name '{database}'" in toasts(app)
        await pilot.press("P")
        await pilot.pause()
        await pilot.press(*database, "enter")
        await settle(app, pilot)
        assert "changes applied" in log_text(app)
    assert table_exists(database_url, PUSHED_TABLE)
    assert len(ledger_rows(database_url)) == 1  # push applies the schema, not the pending migration


# --- which target: the connection's identity, not how the URL arrived ----------------------------------------------

IDENTITY_TARGETS = """
[targets.prod]
url_env = "PROD_DATABASE_URL"
production = true

[targets.dev]
url_env = "DATABASE_URL"
production = false
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """One pending migration; target prod reads PROD_DATABASE_URL, target dev DATABASE_URL."""
    root = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" integer);'})
    (root / "neontui.toml").write_text(IDENTITY_TARGETS)
    return root


def run(*args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PROD_DATABASE_URL", "NEONTUI_ENV")}
    return subprocess.run([sys.executable, "-m", "neontui", *args], env={**env, **variables}, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def applied(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("select to_regclass('public.users') is not null").fetchone()[0]


def another_name(url: str, tmp_path: Path) -> str:
    """The same server and database under a URL whose text differs: a symlink to the socket directory, or
    127.0.0.1 for localhost (NEONTUI_TEST_DATABASE_URL may point at a TCP server)."""
    parsed = parse_url(url)
    if parsed.is_unix_socket and parsed.host:
        alias = tmp_path / "alias"
        alias.symlink_to(parsed.host)
        return url.replace(parsed.host, str(alias))
    if parsed.host == "localhost":
        return url.replace("@localhost", "@127.0.0.1")
    pytest.skip("no second name for this server")


def check_all(app: Path, **variables: str) -> None:
    """Check every item that can be checked, with these variables (they decide which server it is for)."""
    shown = run("checklist", str(app), "--json", **variables)
    items = [i["id"] for i in json.loads(shown.stdout)["items"] if i["can_check"]]
    assert run("checklist", str(app), *[a for i in items for a in ("--check", i)], **variables).returncode == 0


def test_the_production_url_passed_with_url_is_still_production(app, database_url):
    for command in ("migrate", "push"):
        result = run(command, str(app), "--url", database_url, PROD_DATABASE_URL=database_url)
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"{command} refused" in result.stdout
    assert "push is a development tool" in result.stdout
    assert not applied(database_url)


def test_the_same_server_under_another_name_is_production(app, database_url, tmp_path):
    alias = another_name(database_url, tmp_path)
    result = run("migrate", str(app), "--url", alias, "--json", PROD_DATABASE_URL=database_url)
    assert result.returncode == 1 and '"allowed":false' in result.stdout.replace(" ", "")
    # A service file is one more name: libpq reads the host from it, neontui asks the connection.
    services = tmp_path / "pg_service.conf"
    alias_url = parse_url(alias)
    services.write_text(f"[prod]\nhost={alias_url.host}\ndbname={alias_url.dbname}\nuser={alias_url.user}\n")
    via_service = run("migrate", str(app), "--url", "postgresql:///?service=prod",
                          PROD_DATABASE_URL=database_url, PGSERVICEFILE=str(services))
    assert via_service.returncode == 1 and "migrate refused" in via_service.stdout, via_service.stderr
    assert not applied(database_url)


def test_a_server_seen_as_production_stays_production_where_its_variable_is_unset(app, database_url, tmp_path):
    first = run("checklist", str(app), "--url", database_url, PROD_DATABASE_URL=database_url)
    assert first.stdout.startswith("PRODUCTION (target prod")
    # On the same machine, without PROD_DATABASE_URL, through another name: still target prod.
    later = run("checklist", str(app), "--url", another_name(database_url, tmp_path))
    assert later.stdout.startswith("PRODUCTION (target prod"), later.stdout + later.stderr


@pytest.mark.parametrize(("args", "variables", "shown"), [
    (("--env", "development"), {}, "--env development cannot downgrade it"),
    ((), {"NEONTUI_ENV": "dev"}, "NEONTUI_ENV=dev cannot downgrade it"),
    (("--target", "dev"), {}, "--target dev cannot make it dev"),
])
def test_a_production_target_cannot_be_downgraded(app, database_url, args, variables, shown):
    for command in ("migrate", "checklist"):
        result = run(command, str(app), *args, DATABASE_URL=database_url, PROD_DATABASE_URL=database_url,
                         **variables)
        assert result.returncode == 3, result.stdout + result.stderr
        assert result.stderr.startswith("neontui: error: target prod is production (production = true in "
                                        "neontui.toml)") and shown in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not applied(database_url)


def test_the_checklist_is_bound_to_the_server_not_to_its_name(app, database_url, make_database, tmp_path):
    check_all(app, DATABASE_URL=database_url, PROD_DATABASE_URL=database_url)
    database = parse_url(database_url).dbname
    # Reached under another name, the same server has the same, complete checklist: migrate applies.
    alias = another_name(database_url, tmp_path)
    result = run("migrate", str(app), "--url", alias, "--confirm", database, PROD_DATABASE_URL=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert applied(database_url)
    # Another database (same pending set, same names otherwise) has its own, empty checklist.
    other = make_database()
    refused = run("migrate", str(app), "--url", other, "--confirm", parse_url(other).dbname,
                      PROD_DATABASE_URL=other)
    assert refused.returncode == 1 and "checklist items unchecked" in refused.stdout
    assert not applied(other)


def test_production_refuses_before_anything_runs_when_the_audit_log_cannot_be_written(app, database_url):
    (app / "not-a-folder").write_text("a file where the audit log's folder should be")
    (app / "neontui.toml").write_text('audit_log = "not-a-folder/audit.jsonl"\n' + IDENTITY_TARGETS)
    check_all(app, DATABASE_URL=database_url, PROD_DATABASE_URL=database_url)
    result = run("migrate", str(app), "--confirm", parse_url(database_url).dbname, DATABASE_URL=database_url,
                     PROD_DATABASE_URL=database_url)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "neontui: error: cannot open the audit log" in result.stderr
    assert not applied(database_url)
    with psycopg.connect(with_database(database_url, parse_url(database_url).dbname or "")) as conn:
        assert conn.execute("select to_regclass('drizzle.__drizzle_migrations')").fetchone()[0] is None
