"""The rule facts PostgreSQL decides, held against a real server: every statement of the corpus cases about duplicate
columns, identifier length, VACUUM (FULL …) and REINDEX behaves on PostgreSQL as the case's expectations say, and
the output column names the review figures for a view are the names PostgreSQL gives."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from neontui.core.drizzle.journal import split_statements
from neontui.core.safety import Source, analyze
from neontui.core.safety.rules.duplicates import query_names
from neontui.core.sql.parse import parse
from tests.safety_metrics import CORPUS, Case, load_case

SCHEMA = """
CREATE TYPE "xy" AS ("x" integer, "y" integer);
CREATE TABLE "accounts" ("id" integer PRIMARY KEY, "balance" integer);
CREATE TABLE "imports" ("id" integer, "balance" integer);
CREATE TABLE "settings" ("key" text PRIMARY KEY, "value" text);
CREATE TABLE "shapes" ("id" integer PRIMARY KEY, "origin" "xy", "tags" text[]);
CREATE TABLE "users" ("id" integer PRIMARY KEY, "email" text);
CREATE TABLE "orders" ("id" integer, "user_id" integer, "total" integer, "name" text, "created_at" timestamptz);
CREATE INDEX "orders_created_at_idx" ON "orders" ("created_at");
CREATE TABLE "pairs" ("a" integer, "b" integer);
CREATE TABLE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" ("id" integer);
CREATE FOREIGN DATA WRAPPER "neontui_test_fdw";
CREATE SERVER "legacy" FOREIGN DATA WRAPPER "neontui_test_fdw";
"""
DUPLICATE = {"42701", "42601"}  # "column … specified more than once", "multiple assignments to same column"
RULE = "duplicate-column-assignment"


def case(number: int) -> Case:
    (path,) = CORPUS.glob(f"{number}_*.sql")
    return load_case(path)


def statements(c: Case) -> list[str]:
    return split_statements(c.sources[0].text)


def expected(c: Case, rule: str) -> set[int]:
    return {index for r, _, index in c.expected if r == rule}


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(SCHEMA)
        yield conn


def outcome(conn: psycopg.Connection, sql: str) -> str | None:
    """The SQLSTATE the statement fails with inside a transaction (rolled back either way), or None."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(sql)
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


@pytest.mark.parametrize("number", range(136, 151))
def test_a_statement_is_flagged_as_a_duplicate_column_exactly_when_postgresql_rejects_it(db, number):
    c = case(number)
    failures = {i: outcome(db, sql) for i, sql in enumerate(statements(c))}
    assert {i for i, state in failures.items() if state in DUPLICATE} == expected(c, RULE)
    assert {i: s for i, s in failures.items() if s is not None and s not in DUPLICATE} == {}


@pytest.mark.parametrize("number", range(151, 154))
def test_an_identifier_is_flagged_exactly_when_postgresql_truncates_it(db, number):
    c = case(number)
    truncated: set[int] = set()
    notices: list[str] = []
    db.add_notice_handler(lambda d: notices.append(d.sqlstate or ""))
    for i, sql in enumerate(statements(c)):
        notices.clear()
        assert outcome(db, sql) is None
        if "42622" in notices:  # name_too_long: "identifier … will be truncated to …"
            truncated.add(i)
    assert truncated == expected(c, "identifier-too-long")


def relfilenode(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT pg_relation_filenode('orders')").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("number", [154, 155])
def test_vacuum_is_flagged_as_full_exactly_when_postgresql_rewrites_the_table(db, number):
    c = case(number)
    rewritten = set()
    for i, sql in enumerate(statements(c)):
        before = relfilenode(db)
        db.execute(sql)
        if relfilenode(db) != before:
            rewritten.add(i)
    assert rewritten == expected(c, "vacuum-full-or-cluster")


def in_database(conn: psycopg.Connection, sql: str) -> str:
    return sql.replace('"app"', f'"{conn.info.dbname}"')


def test_the_system_catalogs_cannot_be_reindexed_concurrently_and_the_review_does_not_advise_it(db):
    c = case(156)
    for sql in statements(c):  # not run as written: rebuilding the shared catalogs would stall other tests' logins
        concurrent = sql.replace("SYSTEM", "SYSTEM CONCURRENTLY").replace("TABLE", "TABLE CONCURRENTLY")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="cannot reindex system catalogs concurrently"):
            db.execute(in_database(db, concurrent))
    review = analyze([Source("0000_case", c.sources[0].text)], mode=c.mode, advisory=False)
    advice = [f.suggestion or "" for f in review.findings if f.rule == "reindex-non-concurrent"]
    assert len(advice) == 2 and not any("REINDEX" in text for text in advice)


def test_reindex_of_a_schema_or_database_refuses_a_transaction_block_and_concurrently_does_not_touch_catalogs(db):
    for sql in statements(case(157)):
        assert outcome(db, in_database(db, sql)) == "25001"
    catalog = "SELECT pg_relation_filenode('pg_class_oid_index')"
    before = db.execute(catalog).fetchone()
    notices: list[str] = []
    db.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
    for sql in statements(case(158)):
        db.execute(in_database(db, sql))
    assert db.execute(catalog).fetchone() == before
    if db.info.server_version < 160000:  # 16+ leaves the catalogs out of REINDEX DATABASE altogether, without a word
        assert "cannot reindex system catalogs concurrently, skipping all" in notices
    (sql,) = statements(case(159))
    assert outcome(db, sql) is None  # CONCURRENTLY FALSE runs inside a transaction block: it is a plain REINDEX


SELECTS = [
    "SELECT 1, 2, 'a', NULL, 1 + 1, -1, a > 1 AND b > 1, a IS NULL, NOT true FROM pairs",
    "SELECT pairs.a, pairs.b, (s).x, arr[1], (s).y, t.v "
    "FROM pairs, (SELECT ROW(1, 2)::xy AS s, ARRAY[1] AS arr, 1 AS v) t",
    "SELECT '1'::int, 1::bigint, 'x'::varchar(3), 1::double precision, '{1}'::int[], a::text, CAST(1 AS text) "
    "FROM pairs",
    "SELECT now(), pg_catalog.lower('A'), count(*), coalesce(1, 2), greatest(1, 2), least(1, 2), nullif(1, 2) "
    "FROM pairs",
    "SELECT CASE WHEN true THEN 1 END, CASE WHEN true THEN 1 ELSE a END, CASE WHEN true THEN 1 ELSE 2::bigint END "
    "FROM pairs",
    "SELECT (SELECT 1), (SELECT a FROM pairs LIMIT 1), EXISTS (SELECT 1), ARRAY(SELECT 1), ARRAY[1], ROW(1, 2)",
    "SELECT 'x' COLLATE \"C\", a::text COLLATE \"C\", 1 = ANY (SELECT 1), extract(year FROM now()), "
    "a AS \"Named\" FROM pairs",
    "SELECT 1 AS x UNION SELECT 2 AS y",
]


@pytest.mark.parametrize("sql", SELECTS)
def test_the_review_names_output_columns_as_postgresql_does(db, sql):
    with db.cursor() as cur:
        cur.execute(sql)
        assert cur.description is not None
        named = [d.name for d in cur.description]
    assert query_names(parse(sql)[0]["stmt"]) == named
