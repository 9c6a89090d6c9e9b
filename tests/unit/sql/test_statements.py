"""The one definition of each SQL fact: positions in a file, "cannot run in a transaction", SQL inside DO bodies."""

from __future__ import annotations

import pytest

from neontui.core.sql.parse import SqlSyntaxError, parse, parse_plpgsql, parse_tree, scan
from neontui.core.sql.positions import line_column
from neontui.core.sql.statements import (
    BodyStatement,
    UnsupportedBody,
    do_body_sql,
    no_transaction,
    touched_tables,
)


@pytest.mark.parametrize(("text", "offset", "expected"), [
    ("SELECT 1;", 0, (1, 1)),
    ("SELECT 1;", 7, (1, 8)),
    ("a\nbc\n", 2, (2, 1)),
    ("a\nbc\n", 4, (2, 3)),
    ("a\nbc\n", 5, (3, 1)),
    ("é\nü", 2, (2, 1)),  # columns count characters, not bytes
])
def test_line_column_of_an_offset_is_one_based_in_characters(text, offset, expected):
    assert line_column(text, offset) == expected


def test_a_chunk_measured_on_its_own_lands_where_it_sits_in_the_file():
    text = "CREATE TABLE a (id int);--> statement-breakpoint\n  ALTER TABLE a\n  ADD x int;"
    chunk_start = text.index("\n  ALTER")
    chunk = text[chunk_start:]
    start = line_column(text, chunk_start)
    for offset in range(len(chunk)):
        assert line_column(chunk, offset, start=start) == line_column(text, chunk_start + offset)


def _node(sql: str) -> tuple[str, dict]:
    (node_type, node), = parse(sql)[0]["stmt"].items()
    return node_type, node


@pytest.mark.parametrize("sql", [
    'CREATE INDEX CONCURRENTLY "i" ON "t" ("c")',
    'DROP INDEX CONCURRENTLY "i"',
    'REINDEX INDEX CONCURRENTLY "i"',
    'REINDEX (CONCURRENTLY) TABLE "t"',
    'REINDEX (CONCURRENTLY on) TABLE "t"',
    'REINDEX SCHEMA "public"',  # SCHEMA, DATABASE and SYSTEM refuse one even without CONCURRENTLY (25001)
    'REINDEX DATABASE "d"',
    'REINDEX SYSTEM "d"',
    'ALTER TABLE "t" DETACH PARTITION "p" CONCURRENTLY',
    'VACUUM "t"',
    'CREATE DATABASE "d"',
    'DROP DATABASE "d"',
    "ALTER SYSTEM SET work_mem = '64MB'",
])
def test_statements_postgresql_refuses_in_a_transaction_block(sql):
    assert no_transaction(*_node(sql), 180000)


@pytest.mark.parametrize("sql", [
    'CREATE INDEX "i" ON "t" ("c")', 'DROP INDEX "i"', 'REINDEX INDEX "i"', 'ALTER TABLE "t" DETACH PARTITION "p"',
    'ALTER TABLE "t" ADD COLUMN "c" int', "ANALYZE \"t\"", "ALTER TYPE \"e\" RENAME VALUE 'a' TO 'b'",
    'REINDEX (CONCURRENTLY FALSE) INDEX "i"', 'REINDEX (CONCURRENTLY 0) TABLE "t"',
])
def test_statements_that_run_in_a_transaction(sql):
    assert not no_transaction(*_node(sql), 110000)


def test_enum_add_value_needs_its_own_step_before_postgresql_12_only():
    node = _node("ALTER TYPE \"status\" ADD VALUE 'archived'")
    assert no_transaction(*node, 110022)
    assert not no_transaction(*node, 120000)


def test_the_sql_a_do_block_runs_in_order_with_its_caveats():
    body = do_body_sql("""DO $$ BEGIN
        CREATE TYPE "status" AS ENUM ('a');
        IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'x') THEN
            CREATE TABLE "x" (id int);
        END IF;
        BEGIN
            ALTER TABLE "y" ADD CONSTRAINT "fk" FOREIGN KEY ("x") REFERENCES "x" (id);
        EXCEPTION WHEN duplicate_object THEN NULL;
        END;
    END $$""", strict=True)
    assert [(b.sql.split()[0:2], b.guarded, b.conditional) for b in body] == [
        (["CREATE", "TYPE"], False, False), (["CREATE", "TABLE"], False, True), (["ALTER", "TABLE"], True, False)]


def test_a_loop_stops_the_strict_reader_but_the_lenient_one_lists_its_sql():
    do = 'DO $$ BEGIN FOR i IN 1..3 LOOP DELETE FROM "jobs"; END LOOP; END $$'
    with pytest.raises(UnsupportedBody, match="fori"):
        do_body_sql(do, strict=True)
    assert do_body_sql(do, strict=False) == [BodyStatement('DELETE FROM "jobs"', guarded=True, conditional=True)]


def test_every_parser_failure_is_one_error_type():
    for call in (parse, parse_tree, parse_plpgsql):
        with pytest.raises(SqlSyntaxError):
            call("SELEC 1")
    with pytest.raises(SqlSyntaxError) as raised:
        parse("SELECT 1; SELEC 2")
    assert raised.value.location == 10 and "syntax error" in raised.value.message
    assert [t.name for t in scan("SELECT 1")] == ["SELECT", "ICONST"]


def test_tables_touched_skip_text_that_does_not_parse():
    assert touched_tables(['ALTER TABLE "billing"."invoices" ADD x int', "SELEC 1", 'DROP VIEW "v"']) == {
        ("billing", "invoices"), ("public", "v")}
