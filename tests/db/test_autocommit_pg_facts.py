"""The facts behind the autocommit (neon-http) corpus cases 160-175 and the type advice, held against a real server.

Without a runner's transaction each statement commits on its own, and a run that fails half way is retried from the
top of the file. For every place a case's file can fail, the test runs the file up to there, disconnects, and runs
the whole file again on a new connection: the statements that fail on that retry are exactly the ones the case
expects non-idempotent-without-transaction on. A file's own transaction is judged by what survives the disconnect:
uncommitted-transaction is expected exactly where the file's work is lost.
"""

from __future__ import annotations

import psycopg
import pytest

from neontui.core.drizzle.journal import split_statements
from neontui.core.sql.parse import parse
from tests.safety_metrics import CORPUS, Case, load_case

SCHEMA = """
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
CREATE TABLE "users" ("id" bigint PRIMARY KEY, "legacy_id" integer, "email" text);
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "user_id" bigint,
  CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id"));
INSERT INTO "users" VALUES (1, 10, 'a@example.com'), (2, 20, 'b@example.com');
"""
ABORTED = "25P02"  # in_failed_sql_transaction: not a failure of its own, the file's transaction already failed
RERUN = "non-idempotent-without-transaction"
UNCOMMITTED = "uncommitted-transaction"


def case(number: int) -> Case:
    (path,) = CORPUS.glob(f"{number}_*.sql")
    return load_case(path)


def statements(c: Case) -> list[str]:
    return [s for s in split_statements(c.sources[0].text) if s.strip()]


def flagged(c: Case, rule: str) -> set[int]:
    return {index for r, _, index in c.expected | c.known_miss if r == rule}


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def reset(url: str) -> None:
    with connect(url) as conn:
        conn.execute(SCHEMA)


def run(url: str, sqls: list[str], fail_at: int | None = None) -> dict[int, str]:
    """Each statement on one connection, as the migrator sends them; `fail_at`: that statement fails instead and the
    migrator stops there. Closes without committing (psycopg's `with` would commit an open transaction)."""
    conn = connect(url)
    failures: dict[int, str] = {}
    try:
        for i, sql in enumerate(sqls):
            try:
                conn.execute("SELECT 1 / 0" if i == fail_at else sql)
            except psycopg.Error as exc:
                if i == fail_at:
                    break
                if exc.sqlstate != ABORTED:
                    failures[i] = exc.sqlstate or ""
    finally:
        conn.close()
    return failures


def columns(url: str) -> list[tuple[str, str]]:
    with connect(url) as conn:
        return conn.execute("SELECT table_name::text, column_name::text FROM information_schema.columns "
                            "WHERE table_schema = 'public' ORDER BY 1, 2").fetchall()


@pytest.mark.parametrize("number", range(160, 171))
def test_the_statements_a_retry_fails_on_are_the_flagged_ones(database_url, number):
    url = database_url
    c = case(number)
    sqls = statements(c)
    retry_fails: set[int] = set()
    for fail_at in range(len(sqls)):
        reset(url)
        assert run(url, sqls, fail_at) == {}
        retry_fails |= set(run(url, sqls))
    assert retry_fails == flagged(c, RERUN)


def test_an_unnamed_index_gets_a_fresh_name_and_a_failed_concurrent_build_stays_invalid(database_url):
    url = database_url
    reset(url)
    with connect(url) as conn:
        conn.execute('UPDATE "users" SET "email" = \'same@example.com\'')
        for _ in range(2):
            conn.execute('CREATE INDEX CONCURRENTLY ON "users" ("email")')
        for _ in range(2):
            with pytest.raises(psycopg.errors.UniqueViolation):
                conn.execute('CREATE UNIQUE INDEX CONCURRENTLY ON "users" ("email")')
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute('CREATE UNIQUE INDEX CONCURRENTLY "users_email_uq" ON "users" ("email")')
        # IF NOT EXISTS on the retry skips the INVALID index its first attempt left behind, without a word of error
        conn.execute('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_uq" ON "users" ("email")')
        rows = conn.execute("SELECT c.relname::text, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = "
                            "i.indexrelid WHERE i.indrelid = 'users'::regclass AND c.relname <> 'users_pkey' "
                            "ORDER BY 1").fetchall()
    assert rows == [("users_email_idx", True), ("users_email_idx1", True), ("users_email_idx2", False),
                    ("users_email_idx3", False), ("users_email_uq", False)]


@pytest.mark.parametrize("number", range(171, 176))
def test_the_files_own_transaction_loses_its_work_exactly_where_flagged(database_url, number):
    url = database_url
    c = case(number)
    sqls = statements(c)
    intended = [s for s in sqls if "TransactionStmt" not in parse(s)[0]["stmt"]]
    reset(url)
    assert run(url, intended) == {}
    wanted = columns(url)
    reset(url)
    assert run(url, sqls) == {}
    lost = columns(url) != wanted
    assert lost == bool(flagged(c, UNCOMMITTED))


def test_varchar_without_a_length_is_unlimited_like_text_and_an_array_keeps_its_elements_limit(database_url):
    url = database_url
    reset(url)
    with connect(url) as conn:
        conn.execute('CREATE TABLE "v" ("a" varchar, "b" text, "c" varchar(100)[])')
        rows = conn.execute("SELECT attname::text, format_type(atttypid, atttypmod), atttypmod FROM pg_attribute "
                            "WHERE attrelid = 'v'::regclass AND attnum > 0 ORDER BY attnum").fetchall()
        assert rows == [("a", "character varying", -1), ("b", "text", -1), ("c", "character varying(100)[]", 104)]
        conn.execute("INSERT INTO \"v\" (\"a\") VALUES (repeat('x', 1000000))")
        with pytest.raises(psycopg.errors.StringDataRightTruncation):
            conn.execute("INSERT INTO \"v\" (\"c\") VALUES (ARRAY[repeat('x', 101)])")
        before = conn.execute("SELECT pg_relation_filenode('v')").fetchone()
        conn.execute('ALTER TABLE "v" ALTER COLUMN "c" TYPE varchar(200)[]')  # widening the array rewrites
        assert conn.execute("SELECT pg_relation_filenode('v')").fetchone() != before

