"""Safe rewrites are built from the statement's own text and names, and still parse."""

from __future__ import annotations

import pytest

from neontui.core.safety import Source, analyze
from neontui.core.safety.suggest import ident, table_sql
from neontui.core.schema.names import clip
from neontui.core.sql.parse import parse
from neontui.core.sql.versions import parse_version


def suggestion(sql: str, rule: str) -> str:
    (finding,) = [f for f in analyze([Source("0000_x", sql)]).findings if f.rule == rule]
    assert finding.suggestion is not None
    return finding.suggestion


def runnable(text: str) -> str:
    """The SQL of a suggestion without its comment lines (what a user pastes)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def test_names_are_quoted_like_postgresql_and_public_is_left_implicit():
    assert ident('we"ird') == '"we""ird"'
    assert table_sql(("public", "orders")) == '"orders"' and table_sql(("billing", "x")) == '"billing"."x"'


def test_create_index_gets_concurrently_in_its_own_step_with_the_users_names():
    text = suggestion('CREATE UNIQUE INDEX "orders_ref_idx" ON "shop"."orders" USING btree ("ref");',
                      "create-index-non-concurrent")
    assert 'CREATE UNIQUE INDEX CONCURRENTLY "orders_ref_idx" ON "shop"."orders" USING btree ("ref");' in text
    assert text.startswith("-- run outside the migration transaction")


def test_a_foreign_key_becomes_not_valid_then_validate():
    text = suggestion('ALTER TABLE "orders" ADD CONSTRAINT "orders_fk" FOREIGN KEY ("c") REFERENCES "customers"("id");',
                      "add-foreign-key-validating")
    assert 'REFERENCES "customers"("id") NOT VALID;' in text
    assert text.endswith('ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_fk";')


def test_set_not_null_goes_through_a_validated_check():
    text = suggestion('ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;', "set-not-null")
    assert 'ADD CONSTRAINT "users_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;' in text
    assert 'VALIDATE CONSTRAINT "users_email_not_null"' in text and 'DROP CONSTRAINT "users_email_not_null"' in text


def test_a_volatile_default_is_moved_to_set_default_with_its_expression_as_written():
    text = suggestion('ALTER TABLE "events" ADD COLUMN "pid" uuid DEFAULT gen_random_uuid() NOT NULL;',
                      "add-column-volatile-default")
    assert text.startswith('ALTER TABLE "events" ADD COLUMN "pid" uuid;\n')
    assert 'ALTER TABLE "events" ALTER COLUMN "pid" SET DEFAULT gen_random_uuid();' in text


def test_unique_constraint_builds_the_index_concurrently_then_attaches_it():
    text = suggestion('ALTER TABLE "users" ADD CONSTRAINT "users_email_unique" UNIQUE("email");',
                      "add-unique-constraint")
    assert 'CREATE UNIQUE INDEX CONCURRENTLY "users_email_unique_idx" ON "users" ("email");' in text
    assert 'ADD CONSTRAINT "users_email_unique" UNIQUE USING INDEX "users_email_unique_idx";' in text


def test_generated_names_are_cut_to_63_bytes_at_a_character_boundary_like_postgresql():
    check = suggestion(f'ALTER TABLE "{"é" * 30}" ALTER COLUMN "email" SET NOT NULL;', "set-not-null")
    assert f'ADD CONSTRAINT "{"é" * 30}_em" CHECK' in check  # 60 + 3 bytes; PostgreSQL 15 keeps the same
    index = suggestion(f'ALTER TABLE "users" ADD CONSTRAINT "{"é" * 31}" UNIQUE("email");', "add-unique-constraint")
    assert f'CONCURRENTLY "{"é" * 29}_idx"' in index  # 58 bytes + _idx: no half letter, within 63 bytes
    assert clip("a" + "é" * 31) == "a" + "é" * 31 and clip("é" * 32) == "é" * 31


def test_reindex_of_the_system_catalogs_is_not_advised_concurrently_postgresql_refuses_it():
    for sql in ('REINDEX SYSTEM "app";', 'REINDEX TABLE "pg_catalog"."pg_class";', 'REINDEX SCHEMA "pg_catalog";'):
        text = suggestion(sql, "reindex-non-concurrent")
        assert runnable(text) == "" and "maintenance window" in text  # no SQL to paste
    assert "CONCURRENTLY" in suggestion('REINDEX TABLE "orders";', "reindex-non-concurrent")


def test_reindex_database_says_what_concurrently_leaves_out_only_where_the_plain_form_rebuilds_it():
    def message(pg: str) -> str:
        review = analyze([Source("0000_x", 'REINDEX DATABASE "app";')], pg_version=parse_version(pg))
        (finding,) = [f for f in review.findings if f.rule == "reindex-non-concurrent"]
        return finding.message
    assert "skips the system catalogs" in message("15") and "skips" not in message("16")


@pytest.mark.parametrize(("sql", "rule"), [
    ('CREATE INDEX "i" ON "t" ("c");', "create-index-non-concurrent"),
    ('DROP INDEX "i";', "drop-index-non-concurrent"),
    ('REFRESH MATERIALIZED VIEW "mv";', "refresh-matview-non-concurrent"),
    ('ALTER TABLE "t" ADD CONSTRAINT "t_chk" CHECK ("n" > 0);', "add-check-constraint-validating"),
    ('ALTER TABLE "t" ALTER COLUMN "n" SET NOT NULL;', "set-not-null"),
    ('ALTER TABLE "t" ADD COLUMN "c" uuid DEFAULT gen_random_uuid();', "add-column-volatile-default"),
])
def test_every_suggestion_parses(sql, rule):
    assert parse(runnable(suggestion(sql, rule)))
