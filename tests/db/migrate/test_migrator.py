"""The native migrator on a real PostgreSQL: plans, locks, timeouts, faults, concurrency and the dry run."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import read_journal
from neontui.core.errors import ConfigError, ExitCode
from neontui.core.migrate.dryrun import dry_run
from neontui.core.migrate.migrator import (
    LockTimeout,
    MigrateOptions,
    MigrationApplied,
    MigrationFailed,
    MigrationLocked,
    PendingChanged,
    PlanReady,
    StatementFinished,
    StatementStarted,
    migrate,
    run,
)
from neontui.core.migrate.plan import PlanError, build_plan
from tests.factories import entry, make_folder

B = "--> statement-breakpoint\n"
LEDGER = "drizzle.__drizzle_migrations"


def folder(tmp_path: Path, files: dict[str, str]):
    out = make_folder(tmp_path, [entry(i, tag, (i + 1) * 1000) for i, tag in enumerate(files)],
                      {tag: text.encode() for tag, text in files.items()})
    return read_journal(out)


def apply(url: str, journal, **kw):
    options = MigrateOptions(**{k: kw.pop(k) for k in list(kw) if k in MigrateOptions.__dataclass_fields__})
    with connect(url) as conn:
        return run(conn, journal, "drizzle", "__drizzle_migrations", options, **kw)


def ledger(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as conn:
        if conn.execute(f"select to_regclass('{LEDGER}')").fetchone()[0] is None:
            return []
        return conn.execute(f"select hash, created_at from {LEDGER} order by id").fetchall()


def tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public' order by 1")]


def scalar(url: str, query: str):
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


# --- the plan -----------------------------------------------------------------------------------------------

def test_plan_is_one_transaction_like_drizzle(tmp_path):
    journal = folder(tmp_path, {"0000_a": f"CREATE TABLE a (id int);{B}CREATE TABLE b (id int);",
                                "0001_c": "CREATE TABLE c (id int);"})
    plan = build_plan(journal.entries)
    assert plan.single_transaction
    assert plan.describe() == ["BEGIN", "  0000_a #0: CREATE TABLE a (id int);",
                               "  0000_a #1: CREATE TABLE b (id int);", "  ledger row for 0000_a",
                               "  0001_c #0: CREATE TABLE c (id int);", "  ledger row for 0001_c", "COMMIT"]
    per = build_plan(journal.entries, per_migration=True)
    assert [len(s.records) for s in per.steps] == [1, 1]


def test_plan_splits_concurrently_and_embedded_commit(tmp_path):
    journal = folder(tmp_path, {
        "0000_a": f"CREATE TABLE a (id int);{B}CREATE INDEX CONCURRENTLY a_idx ON a (id);",
        "0001_b": f"ALTER TABLE a ADD COLUMN x int;{B}COMMIT;{B}CREATE INDEX CONCURRENTLY a_x ON a (x);{B}"
                  "BEGIN;\nALTER TABLE a ADD COLUMN y int;",
        "0002_c": "SELECT 1; CREATE INDEX CONCURRENTLY a_y ON a (y); SELECT 2;",
    })
    assert build_plan(journal.entries).describe() == [
        "BEGIN", "  0000_a #0: CREATE TABLE a (id int);", "COMMIT",
        "-- outside a transaction: 0000_a #1: CREATE INDEX CONCURRENTLY a_idx ON a (id)",
        "BEGIN", "  ledger row for 0000_a", "  0001_b #0: ALTER TABLE a ADD COLUMN x int;", "COMMIT",
        "-- outside a transaction: 0001_b #2: CREATE INDEX CONCURRENTLY a_x ON a (x)",
        "BEGIN", "  0001_b #3: ALTER TABLE a ADD COLUMN y int", "  ledger row for 0001_b",
        "  0002_c #0: SELECT 1", "COMMIT",
        "-- outside a transaction: 0002_c #0: CREATE INDEX CONCURRENTLY a_y ON a (y)",
        "BEGIN", "  0002_c #0: SELECT 2", "  ledger row for 0002_c", "COMMIT"]


def test_plan_refuses_rollback(tmp_path):
    journal = folder(tmp_path, {"0000_a": "CREATE TABLE a (id int);\nROLLBACK;"})
    with pytest.raises(PlanError, match="0000_a statement 0 contains ROLLBACK"):
        build_plan(journal.entries)


# --- applying -----------------------------------------------------------------------------------------------

def test_concurrently_and_commit_files_apply_with_rows_for_completed_migrations(tmp_path, database_url):
    journal = folder(tmp_path, {
        "0000_a": f"CREATE TABLE a (id int, x int);{B}CREATE INDEX CONCURRENTLY a_idx ON a (id);",
        "0001_b": f"INSERT INTO a VALUES (1, 1), (1, 1);{B}COMMIT;{B}CREATE UNIQUE INDEX CONCURRENTLY a_x ON a (x);",
    })
    events = []
    with pytest.raises(MigrationFailed) as failure:
        apply(database_url, journal, on_event=events.append)
    error = failure.value
    assert (error.tag, error.statement, error.sqlstate) == ("0001_b", 2, "23505")
    assert error.committed == ["0000_a"] and "invalid index left behind: a_x" in error.message
    assert ledger(database_url) == [(journal.entries[0].hash, 1000)]  # 0001_b did not complete: no row
    assert events[0] == PlanReady(build_plan(journal.entries).statement_count)  # a progress bar's total first
    assert [type(e) for e in events[1:3]] == [StatementStarted, StatementFinished]
    assert [e.tag for e in events if isinstance(e, MigrationApplied)] == ["0000_a"]
    assert scalar(database_url, "select count(*) from pg_index where indexrelid = 'a_idx'::regclass "
                                "and indisvalid") == 1


def test_error_names_file_statement_line_column_and_rolls_back(tmp_path, database_url):
    journal = folder(tmp_path, {"0000_a": "CREATE TABLE a (id int);",
                                "0001_b": f"CREATE TABLE b (id int);{B}\n-- a comment\nSELECT id FROM no_such_table;"})
    with pytest.raises(MigrationFailed) as failure:
        apply(database_url, journal)
    error = failure.value
    assert (error.tag, error.statement, error.line, error.column) == ("0001_b", 1, 4, 16)
    assert error.sqlstate == "42P01" and 'relation "no_such_table" does not exist' in error.message
    assert error.exit_code is ExitCode.FAILED
    assert tables(database_url) == [] and ledger(database_url) == []  # the whole batch rolled back


def test_same_rows_as_drizzle_including_custom_ledger_and_percent_signs(tmp_path, database_url):
    journal = folder(tmp_path, {"0000_a": "CREATE TABLE a (v text);\nINSERT INTO a VALUES ('50%');"})
    with connect(database_url) as conn:
        report = run(conn, journal, "ops", "my_migrations")
    assert report.applied == ["0000_a"] and report.plan.single_transaction
    assert scalar(database_url, "select v from a") == "50%"
    assert scalar(database_url, "select created_at from ops.my_migrations") == 1000
    assert scalar(database_url, "select to_regnamespace('drizzle')") is None  # only the configured ledger


def test_pooled_url_is_refused(tmp_path):
    journal = folder(tmp_path, {"0000_a": "SELECT 1;"})
    with pytest.raises(ConfigError, match="refusing the pooled endpoint"):
        migrate("postgresql://u:pw@ep-x-1-pooler.us-east-2.aws.neon.tech/db", journal, "drizzle",
                "__drizzle_migrations")


def test_reviewed_batch_must_still_be_what_is_pending(tmp_path, database_url):
    journal = folder(tmp_path, {"0000_a": "CREATE TABLE a (id int);"})
    with pytest.raises(PendingChanged):
        apply(database_url, journal, expect=[])
    assert ledger(database_url) == []


def test_lock_timeout_names_the_blocker_and_changes_nothing(tmp_path, database_url):
    with psycopg.connect(database_url, autocommit=True) as setup:
        setup.execute("CREATE TABLE users (id int)")
    journal = folder(tmp_path, {"0000_a": "CREATE TABLE t (id int);", "0001_b": "ALTER TABLE users ADD COLUMN x int;"})
    with psycopg.connect(database_url, application_name="long reader") as blocker:
        blocker.execute("SELECT * FROM users")  # holds ACCESS SHARE in an open transaction
        started = time.monotonic()
        with pytest.raises(LockTimeout) as failure:
            apply(database_url, journal, lock_timeout="300ms")
        assert time.monotonic() - started < 5
        error = failure.value
        assert error.exit_code is ExitCode.RETRY and error.sqlstate == "55P03"
        assert [b.pid for b in error.blockers] == [blocker.info.backend_pid]
        assert f"pid {blocker.info.backend_pid}" in error.message and "long reader" in error.message
    assert tables(database_url) == ["users"] and ledger(database_url) == []


def test_ten_concurrent_runs_apply_everything_exactly_once(tmp_path, database_url):
    journal = folder(tmp_path, {"0000_a": f"CREATE TABLE a (id int);{B}SELECT pg_sleep(0.3);",
                                "0001_b": "INSERT INTO a VALUES (1);"})
    results: list[object] = []

    def one() -> None:
        try:
            results.append(apply(database_url, journal, lock_wait=0.0).applied)
        except MigrationLocked as exc:
            results.append(exc)

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    applied = [r for r in results if isinstance(r, list)]
    locked = [r for r in results if isinstance(r, MigrationLocked)]
    assert len(results) == 10 and ["0000_a", "0001_b"] in applied
    assert sum(len(a) for a in applied) == 2  # each migration once, whoever ran it
    assert all("another migration is running (pid " in e.message and "neontui" in e.message for e in locked)
    assert len(locked) >= 1
    assert ledger(database_url) == [(journal.entries[0].hash, 1000), (journal.entries[1].hash, 2000)]
    assert scalar(database_url, "select count(*) from a") == 1


def test_waiting_runs_find_nothing_left_to_do(tmp_path, database_url):
    journal = folder(tmp_path, {"0000_a": f"CREATE TABLE a (id int);{B}SELECT pg_sleep(0.3);"})
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(apply(database_url, journal, lock_wait=30).applied))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [[], [], [], ["0000_a"]]


@pytest.mark.parametrize("kill_at", [0, 1, 2, 3])
def test_backend_terminated_mid_batch_leaves_nothing_partial(tmp_path, database_url, kill_at):
    journal = folder(tmp_path, {"0000_a": f"CREATE TABLE a (id int);{B}INSERT INTO a VALUES (1);",
                                "0001_b": f"CREATE TABLE b (id int);{B}INSERT INTO b VALUES (2);"})
    seen = []

    def killer(event) -> None:
        if isinstance(event, StatementStarted):
            seen.append(event)
            if len(seen) == kill_at + 1:
                with psycopg.connect(database_url, autocommit=True) as other:
                    other.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                                  "where application_name = 'neontui' and pid <> pg_backend_pid()")

    for _ in range(2):  # repeatedly: the second attempt meets the state the first one left
        with pytest.raises(MigrationFailed) as failure:
            apply(database_url, journal, on_event=killer)
        assert "connection was lost" in failure.value.message
        assert tables(database_url) == [] and ledger(database_url) == []
        seen.clear()
    assert apply(database_url, journal).applied == ["0000_a", "0001_b"]


# --- dry run ------------------------------------------------------------------------------------------------

def test_dry_run_reports_locks_rewrites_rows_and_leaves_nothing(tmp_path, database_url):
    with psycopg.connect(database_url, autocommit=True) as setup:
        setup.execute("CREATE TABLE users (id int, name text); INSERT INTO users SELECT g, 'x' FROM "
                      "generate_series(1, 5) g")
    journal = folder(tmp_path, {"0000_a": f"ALTER TABLE users ADD COLUMN note text;{B}"
                                          f"ALTER TABLE users ALTER COLUMN id SET DATA TYPE bigint;{B}"
                                          f"UPDATE users SET note = 'n';{B}CREATE TABLE extra (id int);{B}"
                                          "CREATE INDEX CONCURRENTLY users_name ON users (name);"})
    with connect(database_url) as conn:
        report = dry_run(conn, journal, "drizzle", "__drizzle_migrations")
    assert report.ok and report.migrations == ["0000_a"]
    add, retype, update, create, concurrent = report.statements
    assert create.locks == [("extra", "AccessExclusiveLock")]
    assert ("users", "AccessExclusiveLock") in add.locks and add.rewritten == []
    assert retype.rewritten == ['"public"."users"']
    assert update.rows == 5
    assert concurrent.skipped and concurrent.elapsed is None
    assert ledger(database_url) == [] and tables(database_url) == ["users"]
    assert scalar(database_url, "select count(*) from information_schema.columns where table_name = 'users'") == 2
    assert scalar(database_url, "select to_regnamespace('drizzle')") is None
    assert scalar(database_url, "select count(*) from users where name = 'x'") == 5


def test_dry_run_stops_at_the_first_error_with_its_location(tmp_path, database_url):
    journal = folder(tmp_path, {"0000_a": f"CREATE TABLE a (id int);{B}INSERT INTO a VALUES ('x');"})
    with connect(database_url) as conn:
        report = dry_run(conn, journal, "drizzle", "__drizzle_migrations")
    assert not report.ok and (report.error.tag, report.error.statement, report.error.line) == ("0000_a", 1, 2)
    assert report.error.sqlstate == "22P02"
    assert tables(database_url) == []


def test_a_failure_mid_migration_names_its_statement_and_nothing_after_it_runs(tmp_path, database_url):
    """A failure in the middle of a migration (after a DO block) names that statement, its line,
    column and the server's error, nothing after it ran, and the live log shows every statement with its time."""
    journal = folder(tmp_path, {
        "0000_a": f"CREATE TABLE a (id int);{B}CREATE INDEX a_i ON a (id);",
        "0001_b": (f"CREATE TABLE b (id int);{B}DO $$ BEGIN CREATE TABLE d (id int); END $$;{B}"
                   f"INSERT INTO b VALUES (1), (2);{B}\nSELECT nope FROM b;{B}CREATE TABLE c (id int);"),
    })
    events = []
    with pytest.raises(MigrationFailed) as failure:
        apply(database_url, journal, per_migration=True, on_event=events.append)
    error = failure.value
    assert (error.tag, error.statement, error.line, error.column) == ("0001_b", 3, 5, 8)
    assert error.sqlstate == "42703" and 'column "nope" does not exist' in error.message
    assert tables(database_url) == ["a"] and ledger(database_url) == [(journal.entries[0].hash, 1000)]
    started = [(e.tag, e.statement) for e in events if isinstance(e, StatementStarted)]
    assert started == [("0000_a", 0), ("0000_a", 1), ("0001_b", 0), ("0001_b", 1), ("0001_b", 2), ("0001_b", 3)]
    finished = [e for e in events if isinstance(e, StatementFinished)]
    assert [(e.tag, e.statement) for e in finished] == started[:-1]  # the failing one never finished
    assert all(e.elapsed >= 0 for e in finished) and finished[-1].rows == 2
