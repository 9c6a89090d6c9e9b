"""The dry run against a real PostgreSQL: what each statement would lock, rewrite and touch, the first error, and
nothing left behind — not a column, not a ledger row, not the ledger itself, not the lock."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import read_journal
from neontui.core.drizzle.ledger import DEFAULT_SCHEMA, DEFAULT_TABLE
from neontui.core.migrate.dryrun import DryRunReport, dry_run
from neontui.core.migrate.migrator import run
from tests.factories import sql_project
from tests.helpers import ledger_rows, table_columns

B = "--> statement-breakpoint\n"
INIT = b'CREATE TABLE "users" ("id" integer, "legacy" text);'


def dry(root: Path, url: str) -> DryRunReport:
    with connect(url) as conn:
        return dry_run(conn, read_journal(root / "drizzle"), DEFAULT_SCHEMA, DEFAULT_TABLE)




@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    return sql_project(tmp_path / "app", {
        "0000_init": INIT,
        "0001_more": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}UPDATE "users" SET "legacy" = \'x\';{B}'
                     'ALTER TABLE "users" ALTER COLUMN "id" TYPE bigint;'.encode(),
    }, database_url=database_url, applied=1)


def test_reports_locks_rows_and_rewrites_and_leaves_nothing(project: Path, database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO users VALUES (1, 'a'), (2, 'b')")
    before = ledger_rows(database_url)
    report = dry(project, database_url)
    assert report.ok and report.migrations == ["0001_more"]
    add, update, retype = report.statements
    assert [s.statement for s in report.statements] == [0, 1, 2]
    assert ("users", "AccessExclusiveLock") in add.locks and add.rewritten == []
    assert update.rows == 2 and ("users", "RowExclusiveLock") in update.locks
    assert retype.rewritten == ['"public"."users"']  # a type change rewrites the table
    assert report.to_json()["rolled_back"] is True
    assert ledger_rows(database_url) == before and table_columns(database_url) == ["id", "legacy"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select legacy from users order by id").fetchall() == [("a",), ("b",)]


def test_the_first_error_ends_it_and_a_real_run_can_follow(tmp_path: Path, database_url: str) -> None:
    root = sql_project(tmp_path / "app", {
        "0000_init": INIT,
        "0001_bad": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "users" DROP COLUMN "nope";{B}'
                    'ALTER TABLE "users" ADD COLUMN "never" text;'.encode(),
    }, database_url=database_url, applied=1)
    report = dry(root, database_url)
    assert not report.ok and report.error is not None
    assert (report.error.tag, report.error.statement, report.error.sqlstate) == ("0001_bad", 1, "42703")
    assert [s.statement for s in report.statements] == [0, 1]  # nothing after the error ran
    assert table_columns(database_url) == ["id", "legacy"] and len(ledger_rows(database_url)) == 1
    (root / "drizzle" / "0001_bad.sql").write_text('ALTER TABLE "users" ADD COLUMN "email" text;')
    with connect(database_url) as conn:  # the dry run released the advisory lock
        assert run(conn, read_journal(root / "drizzle"), DEFAULT_SCHEMA, DEFAULT_TABLE).applied == ["0001_bad"]


def test_concurrently_is_listed_as_skipped_not_run(tmp_path: Path, database_url: str) -> None:
    root = sql_project(tmp_path / "app", {
        "0000_init": INIT,
        "0001_index": b'CREATE INDEX CONCURRENTLY "users_legacy_idx" ON "users" ("legacy");',
    }, database_url=database_url, applied=1)
    report = dry(root, database_url)
    assert report.ok
    (index,) = report.statements
    assert index.skipped is not None and "its own step" in index.skipped and index.locks == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('users_legacy_idx')").fetchone() == (None,)


def test_on_a_fresh_database_not_even_the_ledger_is_left(tmp_path: Path, database_url: str) -> None:
    root = sql_project(tmp_path / "app", {"0000_init": INIT})
    report = dry(root, database_url)
    assert report.ok and report.migrations == ["0000_init"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regnamespace('drizzle'), to_regclass('users')").fetchone() == (None, None)
