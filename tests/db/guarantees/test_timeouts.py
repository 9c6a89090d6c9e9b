"""No hangs: every command answers, whatever another session or the server does.

The guarantees held here: a ledger locked by another session makes status, checklist, migrate and the dry run fail
within neontui's catalog limits (lock_timeout 5 s, statement_timeout 30 s on its own reads) with exit 5 and the
blocking session named, while the migration's own statements keep the user's limits; a server that accepts TCP and
never answers costs one connect deadline (15 s by default, `connect_timeout` in neontui.toml or
NEONTUI_CONNECT_TIMEOUT), not attempts × timeout; and the console quits on `q` even while it is stuck connecting.

Real PostgreSQL and real processes: every command runs as `neontui` in a subprocess with a timeout
(tests.db.cli.test_cli's `neontui`), so a regression fails instead of hanging the suite. To extend the family: make
the database or the network misbehave (`locked_ledger`, `SilentServer`), run the command, and assert the one-line
error and exit code a user gets; never assert how long it took.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from neontui.core.actions.migrate import execute
from neontui.core.db.blockers import ReadTimedOut
from neontui.core.db.connect import (
    CATALOG_LOCK_TIMEOUT,
    CATALOG_STATEMENT_TIMEOUT,
    catalog_reads,
    connect,
    set_timeouts,
)
from neontui.core.db.url import parse_url
from neontui.core.drizzle.journal import read_journal
from neontui.core.drizzle.project import load_project
from neontui.core.errors import ExitCode
from neontui.core.gate.gate import open_gate
from neontui.core.migrate.migrator import MigrateOptions, run
from tests.factories import sql_project
from tests.helpers import REPO_ROOT, SilentServer, assert_one_line_error, ledger_rows, neontui

B = "--> statement-breakpoint\n"
LOCKER = "ledger-locker"  # application_name of the session that holds the ledger
CONSOLE_TIMEOUT = 30  # seconds for the whole console process; before the fix it waited 4 × 10 s for libpq
RESULT_TIMEOUT = 120  # seconds for an in-process run: a hang fails the test instead of stalling the suite


def two_migrations(root: Path, url: str) -> Path:
    """A project with one migration applied and one pending (so every command has a ledger to read)."""
    return sql_project(root, {"0000_init": b"CREATE TABLE t (id int);",
                              "0001_more": b"ALTER TABLE t ADD COLUMN x int;"}, database_url=url, applied=1)


@contextlib.contextmanager
def locked_ledger(url: str) -> Iterator[int]:
    """Another session holding ACCESS EXCLUSIVE on the ledger in an open transaction; yields its pid."""
    with psycopg.connect(url, application_name=LOCKER) as conn:
        conn.execute("LOCK TABLE drizzle.__drizzle_migrations IN ACCESS EXCLUSIVE MODE")
        try:
            yield conn.info.backend_pid
        finally:
            conn.rollback()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def assert_blocker_named(line: str, pid: int) -> None:
    """The blocking session as describe() shows it: pid, application, user, how long, lock and what it runs."""
    assert f"pid {pid} (app {LOCKER}, user " in line, line
    assert "idle in transaction for " in line, line
    assert "holding AccessExclusiveLock on drizzle.__drizzle_migrations: LOCK TABLE" in line, line
    assert f"pg_terminate_backend({pid})" in line, line


def limits(conn: psycopg.Connection) -> tuple[str, str]:
    """The session's lock_timeout and statement_timeout now."""
    return conn.execute("select current_setting('lock_timeout'), current_setting('statement_timeout')").fetchone()


# --- a locked ledger ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["checklist"], ["migrate", "--dry-run"],
                                     ["migrate"]])
def test_a_locked_ledger_fails_every_command_with_the_blocking_session_named(tmp_path, database_url, command):
    root = two_migrations(tmp_path / "app", database_url)
    with locked_ledger(database_url) as pid:
        result = neontui(command[0], str(root), *command[1:], env={"DATABASE_URL": database_url})
    assert_one_line_error(result, ExitCode.RETRY, f'cannot read the ledger "drizzle"."__drizzle_migrations": '
                                                  f"waited lock_timeout = {CATALOG_LOCK_TIMEOUT} for a lock")
    assert_blocker_named(result.stderr, pid)
    if "--json" in command:
        assert json.loads(result.stdout)["error"]["exit_code"] == ExitCode.RETRY
    assert len(ledger_rows(database_url)) == 1  # nothing was applied


@pytest.mark.parametrize("dry", [False, True])
def test_a_ledger_locked_after_the_review_stops_the_run_itself(tmp_path, database_url, dry):
    """The migrator's and the dry run's own ledger reads (under the advisory lock) are bounded too."""
    root = two_migrations(tmp_path / "app", database_url)
    gate = open_gate(load_project(root, url=database_url))
    # The pool outside the lock: if the run hangs, leaving the lock's block releases it, so the thread can finish.
    with ThreadPoolExecutor(1) as pool, locked_ledger(database_url) as pid:
        outcome = pool.submit(execute, gate, dry=dry).result(timeout=RESULT_TIMEOUT)
    assert isinstance(outcome.error, ReadTimedOut) and outcome.exit_code == ExitCode.RETRY
    assert_blocker_named(outcome.error.one_line(), pid)
    assert outcome.applied == [] and len(ledger_rows(database_url)) == 1


def test_the_migration_statements_keep_the_users_limits_not_the_catalog_ones(tmp_path, database_url):
    check = ("DO $$ BEGIN IF current_setting('lock_timeout') <> '7s' OR current_setting('statement_timeout') <> '0' "
             "THEN RAISE EXCEPTION 'limits seen: %, %', current_setting('lock_timeout'), "
             "current_setting('statement_timeout'); END IF; END $$;")
    root = sql_project(tmp_path / "app", {"0000_check": check.encode()})
    env = {"DATABASE_URL": database_url}
    for args in (["--dry-run"], []):
        result = neontui("migrate", str(root), "--lock-timeout", "7s", *args, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert len(ledger_rows(database_url)) == 1


def test_a_step_outside_the_transaction_gives_the_session_its_catalog_limits_back(tmp_path, database_url):
    root = sql_project(tmp_path / "app", {"0000_a": f"CREATE TABLE a (id int);{B}CREATE INDEX CONCURRENTLY a_i ON a "
                                                    f"(id);".encode()})
    options = MigrateOptions(lock_timeout="7s", statement_timeout="11min")
    with connect(database_url) as conn:
        report = run(conn, read_journal(root / "drizzle"), "drizzle", "__drizzle_migrations", options)
        assert limits(conn) == (CATALOG_LOCK_TIMEOUT, CATALOG_STATEMENT_TIMEOUT)
    assert report.applied == ["0000_a"]


def test_through_the_neon_pooler_the_reads_are_bounded_without_touching_the_session(database_url):
    """PgBouncer in transaction mode would hand a session SET to other clients: there the limits are SET LOCAL."""
    pooled = parse_url("postgresql://app@ep-cool-name-123456-pooler.us-east-2.aws.neon.tech/neondb")
    with connect(database_url) as conn:
        set_timeouts(conn, "0", "0", local=False)  # a session with no limits, as connect() leaves a pooled one
        with catalog_reads(conn, pooled):
            inside = limits(conn)
        after = limits(conn)
    assert inside == (CATALOG_LOCK_TIMEOUT, CATALOG_STATEMENT_TIMEOUT)
    assert after == ("0", "0")


# --- a server that never answers ----------------------------------------------------------------------------


def test_status_gives_up_on_a_silent_server_after_the_default_deadline(tmp_path, silent):
    """15 s for all attempts together: one retry fits, the third attempt (10 s each before) is never made."""
    root = sql_project(tmp_path / "app", {"0000_init": b"CREATE TABLE t (id int);"})
    result = neontui("status", str(root), env={"DATABASE_URL": silent.url()})
    lines = result.stderr.splitlines()
    assert result.returncode == ExitCode.ERROR, result.stderr
    assert len(lines) == 2 and lines[0].endswith("retry 1"), result.stderr
    assert lines[1].startswith("neontui: error: connection to ") and "timed out" in lines[1]


@pytest.mark.parametrize("where", ["neontui.toml", "environment"])
def test_the_connect_deadline_is_configurable(tmp_path, silent, where):
    root = sql_project(tmp_path / "app", {"0000_init": b"CREATE TABLE t (id int);"})
    env = {"DATABASE_URL": silent.url()}
    if where == "neontui.toml":
        (root / "neontui.toml").write_text('connect_timeout = "3s"\n')
    else:
        env["NEONTUI_CONNECT_TIMEOUT"] = "3"
    for command in ("status", "migrate"):
        result = neontui(command, str(root), env=env)
        # No retry: after a 3 s attempt nothing is left for another one.
        assert_one_line_error(result, ExitCode.ERROR, "timed out")


def test_an_invalid_connect_timeout_is_one_line(tmp_path):
    root = sql_project(tmp_path / "app", {"0000_init": b"CREATE TABLE t (id int);"})
    env = {"DATABASE_URL": "postgresql://app@127.0.0.1:1/app", "NEONTUI_CONNECT_TIMEOUT": "soon"}
    assert_one_line_error(neontui("status", str(root), env=env), ExitCode.ERROR, "NEONTUI_CONNECT_TIMEOUT must be")
    (root / "neontui.toml").write_text('connect_timeout = "0s"\n')
    env.pop("NEONTUI_CONNECT_TIMEOUT")
    assert_one_line_error(neontui("status", str(root), env=env), ExitCode.ERROR, "connect_timeout must be a positive")


# The console in its own process, so that what the process waits for at exit counts: Textual runs thread workers in
# the event loop's executor, which asyncio.run and the interpreter join before the process ends.
CONSOLE = """
import asyncio, sys
from pathlib import Path
from neontui.tui.app import NeontuiApp, Options
from tests.helpers import SilentServer

async def main():
    server = SilentServer()
    app = NeontuiApp(Options(Path(sys.argv[1]), url=server.url()))
    async with app.run_test(size=(120, 40)) as pilot:
        while not server.accepted:  # until the load is inside connect()
            await pilot.pause(0.05)
        assert "connecting" in str(app.query_one("#status").render())
        await pilot.press("q")
    print("quit", app.return_code)

asyncio.run(main())
"""


def test_the_console_quits_at_once_while_connecting_to_a_silent_server(tmp_path):
    root = sql_project(tmp_path / "app", {"0000_init": b"CREATE TABLE t (id int);"})
    # A deadline far beyond the process timeout: only `q` can end this run in time.
    env = {**os.environ, "NEONTUI_CONNECT_TIMEOUT": "600"}
    result = subprocess.run([sys.executable, "-c", CONSOLE, str(root)], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=CONSOLE_TIMEOUT, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["quit", "0"], result.stdout + result.stderr
