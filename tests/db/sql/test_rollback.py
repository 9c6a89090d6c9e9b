"""Rollback SQL derived from a migration: each mapping, the plan's shape, and real PostgreSQL round trips."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.drizzle.journal import Migration, read_journal
from neontui.core.sql.rollback import RESTORE, RollbackPlan, RollbackStep, rollback_plan, rollback_sql
from tests.factories import entry, make_folder

TAG = "0001_brave_otter"


def migration(tmp_path: Path, sql: str | bytes, tag: str = TAG) -> Migration:
    """One migration read through the real journal reader, so drizzle's own split is used."""
    raw = sql.encode() if isinstance(sql, str) else sql
    out = make_folder(tmp_path, [entry(1, tag, 1_700_000_000_000)], {tag: raw})
    return read_journal(out).entries[0]


def plan(tmp_path: Path, sql: str | bytes) -> RollbackPlan:
    return rollback_plan(migration(tmp_path, sql))


def inverse(tmp_path: Path, sql: str) -> list[str | None]:
    return [step.sql for step in plan(tmp_path, sql).steps]


def only_step(tmp_path: Path, sql: str) -> RollbackStep:
    (step,) = plan(tmp_path, sql).steps
    return step


# -- one mapping at a time -------------------------------------------------------------------------------------------

REVERSIBLE = [
    # CREATE … → DROP …
    ('CREATE TABLE "users" ("id" serial PRIMARY KEY NOT NULL);', 'DROP TABLE "users";'),
    ('CREATE TABLE "auth"."Users" ("id" int);', 'DROP TABLE "auth"."Users";'),
    ('CREATE TABLE "a""b" ("id" int);', 'DROP TABLE "a""b";'),
    ("CREATE TABLE t2 AS SELECT 1 AS x;", 'DROP TABLE "t2";'),
    ('CREATE INDEX "users_email_idx" ON "users" USING btree ("email");', 'DROP INDEX "users_email_idx";'),
    ('CREATE UNIQUE INDEX "u_idx" ON "auth"."users" USING btree (lower("email"));', 'DROP INDEX "auth"."u_idx";'),
    ('CREATE UNIQUE INDEX CONCURRENTLY "c_idx" ON "users" ("email");', 'DROP INDEX CONCURRENTLY "c_idx";'),
    ("CREATE TYPE \"public\".\"status\" AS ENUM('a', 'b');", 'DROP TYPE "public"."status";'),
    ("CREATE TYPE mood AS ENUM ('sad');", 'DROP TYPE "mood";'),
    ("CREATE TYPE pair AS (a int, b text);", 'DROP TYPE "pair";'),
    ('CREATE SCHEMA "billing";', 'DROP SCHEMA "billing";'),
    ('CREATE SEQUENCE "public"."order_seq" INCREMENT BY 1 START WITH 1000;', 'DROP SEQUENCE "public"."order_seq";'),
    ('CREATE VIEW "active_users" AS SELECT * FROM "users";', 'DROP VIEW "active_users";'),
    ('CREATE MATERIALIZED VIEW "stats"."daily" AS SELECT 1 AS x;', 'DROP MATERIALIZED VIEW "stats"."daily";'),
    ("CREATE FUNCTION s.f(a int, b text[], c varchar(3), OUT d int) AS $$ SELECT 1 $$ LANGUAGE sql;",
     'DROP FUNCTION "s"."f"(integer, text[], varchar(3));'),
    ("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;",
     'DROP FUNCTION "touch"();'),
    ("CREATE PROCEDURE p(x int) LANGUAGE sql AS $$ SELECT 1 $$;", 'DROP PROCEDURE "p"(integer);'),
    ('CREATE EXTENSION "pgcrypto";', 'DROP EXTENSION "pgcrypto";'),
    ('CREATE POLICY "own rows" ON "public"."notes" AS PERMISSIVE FOR SELECT TO public USING (true);',
     'DROP POLICY "own rows" ON "public"."notes";'),
    ('CREATE DOMAIN "email" AS text CHECK (VALUE LIKE \'%@%\');', 'DROP DOMAIN "email";'),
    ('CREATE TRIGGER "t_touch" BEFORE UPDATE ON "s"."t" FOR EACH ROW EXECUTE FUNCTION touch();',
     'DROP TRIGGER "t_touch" ON "s"."t";'),
    ('CREATE ROLE "reader";', 'DROP ROLE "reader";'),
    ("SELECT * INTO backup FROM users;", 'DROP TABLE "backup";'),
    # ALTER TABLE sub-commands
    ('ALTER TABLE "users" ADD COLUMN "age" integer DEFAULT 0 NOT NULL;', 'ALTER TABLE "users" DROP COLUMN "age";'),
    ('ALTER TABLE "users" ADD COLUMN "org_id" integer REFERENCES "orgs"("id");',
     'ALTER TABLE "users" DROP COLUMN "org_id";'),
    ('ALTER TABLE "auth"."users" ADD CONSTRAINT "users_email_unique" UNIQUE("email");',
     'ALTER TABLE "auth"."users" DROP CONSTRAINT "users_email_unique";'),
    ('ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES '
     '"public"."users"("id") ON DELETE cascade ON UPDATE no action;',
     'ALTER TABLE "posts" DROP CONSTRAINT "posts_author_id_users_id_fk";'),
    ('ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;',
     'ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;'),
    ('ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;',
     'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;'),
    ("ALTER TABLE \"users\" ALTER COLUMN \"role\" SET DEFAULT 'member';",
     'ALTER TABLE "users" ALTER COLUMN "role" DROP DEFAULT;'),
    ('ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";',
     'ALTER TABLE "users" RENAME COLUMN "full_name" TO "name";'),
    ('ALTER TABLE "public"."users" RENAME TO "accounts";', 'ALTER TABLE "public"."accounts" RENAME TO "users";'),
    ('ALTER TABLE "users" RENAME CONSTRAINT "a_key" TO "b_key";',
     'ALTER TABLE "users" RENAME CONSTRAINT "b_key" TO "a_key";'),
    ('ALTER TABLE "old"."users" SET SCHEMA "archive";', 'ALTER TABLE "archive"."users" SET SCHEMA "old";'),
    ('ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;', 'ALTER TABLE "users" DISABLE ROW LEVEL SECURITY;'),
    ('ALTER TABLE "users" DISABLE ROW LEVEL SECURITY;', 'ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;'),
    ('ALTER TABLE "users" FORCE ROW LEVEL SECURITY;', 'ALTER TABLE "users" NO FORCE ROW LEVEL SECURITY;'),
    ('ALTER TABLE "users" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" '
     'INCREMENT BY 1 MINVALUE 1 START WITH 1 CACHE 1);', 'ALTER TABLE "users" ALTER COLUMN "id" DROP IDENTITY;'),
    ('ALTER TABLE "events" ATTACH PARTITION "events_2024" FOR VALUES FROM (1) TO (2);',
     'ALTER TABLE "events" DETACH PARTITION "events_2024";'),
    ('ALTER TABLE "t" SET UNLOGGED;', 'ALTER TABLE "t" SET LOGGED;'),
    # other renames and moves
    ('ALTER VIEW "v" RENAME TO "w";', 'ALTER VIEW "w" RENAME TO "v";'),
    ('ALTER INDEX "s"."i" RENAME TO "j";', 'ALTER INDEX "s"."j" RENAME TO "i";'),
    ('ALTER SEQUENCE "q" RENAME TO "r";', 'ALTER SEQUENCE "r" RENAME TO "q";'),
    ('ALTER TYPE "public"."status" RENAME TO "state";', 'ALTER TYPE "public"."state" RENAME TO "status";'),
    ("ALTER TYPE \"public\".\"status\" RENAME VALUE 'a' TO 'it''s';",
     "ALTER TYPE \"public\".\"status\" RENAME VALUE 'it''s' TO 'a';"),
    ('ALTER SCHEMA "a" RENAME TO "b";', 'ALTER SCHEMA "b" RENAME TO "a";'),
    ('ALTER FUNCTION "s"."f"(int, text) RENAME TO "g";', 'ALTER FUNCTION "s"."g"(integer, text) RENAME TO "f";'),
    ('ALTER TRIGGER "t1" ON "s"."x" RENAME TO "t2";', 'ALTER TRIGGER "t2" ON "s"."x" RENAME TO "t1";'),
    ('ALTER POLICY "p1" ON "x" RENAME TO "p2";', 'ALTER POLICY "p2" ON "x" RENAME TO "p1";'),
    ('ALTER TYPE "s"."e" SET SCHEMA "x";', 'ALTER TYPE "x"."e" SET SCHEMA "s";'),
    ('GRANT SELECT ON "users" TO "reader";', 'REVOKE SELECT ON TABLE users FROM reader;'),
    ('CREATE SCHEMA AUTHORIZATION "joe";', 'DROP SCHEMA "joe";'),
    ('ALTER MATERIALIZED VIEW "m" RENAME COLUMN "a" TO "b";', 'ALTER MATERIALIZED VIEW "m" RENAME COLUMN "b" TO "a";'),
    ('ALTER TYPE "pair" ADD ATTRIBUTE "z" int;', 'ALTER TYPE "pair" DROP ATTRIBUTE "z";'),
    ('ALTER TYPE "s"."pair" RENAME ATTRIBUTE "a" TO "b";', 'ALTER TYPE "s"."pair" RENAME ATTRIBUTE "b" TO "a";'),
    ('ALTER DOMAIN "s"."d" ADD CONSTRAINT "pos" CHECK (VALUE > 0);', 'ALTER DOMAIN "s"."d" DROP CONSTRAINT "pos";'),
    ('ALTER DOMAIN "d" SET NOT NULL;', 'ALTER DOMAIN "d" DROP NOT NULL;'),
    ('ALTER DOMAIN "d" RENAME CONSTRAINT "a" TO "b";', 'ALTER DOMAIN "d" RENAME CONSTRAINT "b" TO "a";'),
]


@pytest.mark.parametrize(("sql", "expected"), REVERSIBLE, ids=[s for s, _ in REVERSIBLE])
def test_reversible_statement(tmp_path, sql, expected):
    step = only_step(tmp_path, sql)
    assert step.sql == expected
    assert step.irreversible is None
    assert step.original == sql.rstrip(";")
    assert step.statement == 0 and step.tag == TAG


IRREVERSIBLE = [
    ('CREATE INDEX ON "users" ("email");', "unnamed index"),
    ('ALTER TABLE "users" ADD UNIQUE ("email");', "look up the generated name"),
    ("CREATE OR REPLACE VIEW v AS SELECT 1;", "previous definition is unknown"),
    ("CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;", "previous body is unknown"),
    ('ALTER TABLE "users" ALTER COLUMN "role" DROP DEFAULT;', "previous default is unknown"),
    ('ALTER TABLE "users" ALTER COLUMN "age" SET DATA TYPE bigint;', "previous type is unknown"),
    ('ALTER TABLE "users" ALTER COLUMN "age" TYPE text USING "age"::text;', "previous type is unknown"),
    ('ALTER TABLE "users" DROP COLUMN "legacy";', 'DROP COLUMN "legacy" destroys data'),
    ('ALTER TABLE "users" DROP CONSTRAINT "users_email_unique";', "previous migration's definition"),
    ('ALTER TABLE "users" ALTER COLUMN "id" DROP IDENTITY;', "DROP IDENTITY"),
    ('ALTER TABLE "users" ALTER COLUMN "slug" DROP EXPRESSION;', "DROP EXPRESSION"),
    ('ALTER TABLE "users" OWNER TO "someone";', "no automatic inverse for ALTER TABLE … CHANGE OWNER"),
    ("ALTER TYPE \"public\".\"status\" ADD VALUE 'c' BEFORE 'b';", "cannot remove an enum value"),
    ('DROP TABLE "users" CASCADE;', "destroys data"),
    ('DROP VIEW "v";', "definition is unknown"),
    ('DROP TYPE "public"."status";', "definition is unknown"),
    ('DROP SCHEMA "billing";', "destroys data"),
    ('DROP SEQUENCE "q";', "destroys data"),
    ('DROP INDEX "users_email_idx";', "recreate it from the previous migration's definition"),
    ("DROP FUNCTION f(int);", "definition is unknown"),
    ('TRUNCATE "users";', "TRUNCATE destroys data"),
    ('DELETE FROM "users" WHERE "id" > 10;', "DELETE destroys data"),
    ('UPDATE "users" SET "role" = \'admin\';', "previous values are unknown"),
    ("INSERT INTO \"roles\" (\"name\") VALUES ('admin');", "delete the inserted rows by hand"),
    ("REVOKE SELECT ON users FROM reader;", "previous privileges are unknown"),
    ("ALTER SEQUENCE q RESTART WITH 5;", "no automatic inverse for ALTER SEQUENCE"),
    ("CREATE STATISTICS st ON a, b FROM t;", "no automatic inverse for CREATE STATISTICS"),
    ("ALTER EXTENSION x SET SCHEMA y;", "previous schema is unknown"),
    ('ALTER TABLE "t" ALTER COLUMN "a" SET STATISTICS 500;', "no automatic inverse for ALTER TABLE … SET STATISTICS"),
    ('ALTER DOMAIN "d" DROP CONSTRAINT "pos";', "definition is unknown"),
    ('ALTER DOMAIN "d" DROP DEFAULT;', "previous default is unknown"),
    ('DROP POLICY "p" ON "s"."t";', 'DROP POLICY "p" ON "s"."t": its definition is unknown'),
]


@pytest.mark.parametrize(("sql", "reason"), IRREVERSIBLE, ids=[s for s, _ in IRREVERSIBLE])
def test_irreversible_statement(tmp_path, sql, reason):
    step = only_step(tmp_path, sql)
    assert step.sql is None
    assert step.irreversible is not None and reason in step.irreversible
    assert not plan(tmp_path / "again", sql).reversible


@pytest.mark.parametrize("sql", ['DROP TABLE "users";', 'ALTER TABLE "u" DROP COLUMN "c";', 'TRUNCATE "u";',
                                 'DELETE FROM "u";', 'ALTER TABLE "u" ALTER COLUMN "c" SET DATA TYPE text;',
                                 'UPDATE "u" SET "c" = 1;'])
def test_data_destroying_statements_point_to_restore_points_and_branches(tmp_path, sql):
    assert RESTORE in only_step(tmp_path, sql).irreversible


NOTHING_TO_UNDO = ["SET LOCAL lock_timeout = '5s';", "SET statement_timeout = 0;", "RESET lock_timeout;",
                   "COMMENT ON TABLE \"users\" IS 'people';", "BEGIN;", "COMMIT;", "SELECT 1;",
                   'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_user_fk";',
                   'REFRESH MATERIALIZED VIEW "daily";', 'ANALYZE "users";']


@pytest.mark.parametrize("sql", NOTHING_TO_UNDO)
def test_statements_with_nothing_to_undo_get_a_note_and_no_sql(tmp_path, sql):
    p = plan(tmp_path, sql)
    (step,) = p.steps
    assert step.sql is None and step.irreversible is None and step.note
    assert p.reversible
    assert "nothing to undo" in p.render()


@pytest.mark.parametrize(("sql", "note"), [
    ('CREATE TABLE IF NOT EXISTS "users" ("id" int);', "may have existed before"),
    ('CREATE INDEX IF NOT EXISTS "i" ON "users" ("id");', "may have existed before"),
    ('CREATE SCHEMA IF NOT EXISTS "drizzle";', "may have existed before"),
    ('CREATE SEQUENCE IF NOT EXISTS "q";', "may have existed before"),
    ('CREATE EXTENSION IF NOT EXISTS "pgcrypto";', "may have existed before"),
    ('ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "x" int;', "may have existed before"),
    ("ALTER TABLE \"users\" ALTER COLUMN \"role\" SET DEFAULT 'member';", "assumes there was no default before"),
    ('ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;', "fails if NULLs"),
    ('ALTER TABLE "users" SET SCHEMA "archive";', "assumes it was in public"),
])
def test_inverses_that_rest_on_an_assumption_say_so(tmp_path, sql, note):
    step = only_step(tmp_path, sql)
    assert step.sql is not None and note in step.note


def test_if_not_exists_inverses_use_if_exists(tmp_path):
    assert inverse(tmp_path, 'CREATE TABLE IF NOT EXISTS "users" ("id" int);') == ['DROP TABLE IF EXISTS "users";']
    assert inverse(tmp_path / "b", 'ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "x" int;') == [
        'ALTER TABLE "users" DROP COLUMN IF EXISTS "x";']


def test_unqualified_set_schema_moves_back_to_public(tmp_path):
    assert inverse(tmp_path, 'ALTER TABLE "users" SET SCHEMA "archive";') == [
        'ALTER TABLE "archive"."users" SET SCHEMA "public";']


def test_or_replace_reasons_still_show_the_drop_to_use_if_it_was_new(tmp_path):
    step = only_step(tmp_path, "CREATE OR REPLACE FUNCTION s.f(a int) RETURNS int AS $$ SELECT a $$ LANGUAGE sql;")
    assert 'DROP FUNCTION "s"."f"(integer)' in step.irreversible


# -- ordering and chunk shapes ---------------------------------------------------------------------------------------


def test_multi_command_alter_table_is_undone_command_by_command_in_reverse(tmp_path):
    sql = ('ALTER TABLE "users" ADD COLUMN "age" int, ALTER COLUMN "email" SET NOT NULL, '
           'ADD CONSTRAINT "users_age_check" CHECK ("age" > 0), ENABLE ROW LEVEL SECURITY;')
    p = plan(tmp_path, sql)
    assert [s.sql for s in p.steps] == [
        'ALTER TABLE "users" DISABLE ROW LEVEL SECURITY;',
        'ALTER TABLE "users" DROP CONSTRAINT "users_age_check";',
        'ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;',
        'ALTER TABLE "users" DROP COLUMN "age";',
    ]
    assert {s.original for s in p.steps} == {sql.rstrip(";")}
    # One header for the statement, not one per sub-command.
    assert p.render().count("-- undo ") == 1


def test_mixed_alter_table_keeps_the_reversible_parts_and_flags_the_rest(tmp_path):
    p = plan(tmp_path, 'ALTER TABLE "users" ADD COLUMN "nick" text, DROP COLUMN "legacy";')
    assert [(s.sql, bool(s.irreversible)) for s in p.steps] == [
        (None, True), ('ALTER TABLE "users" DROP COLUMN "nick";', False)]
    assert not p.reversible


def test_alter_table_if_exists_and_only_are_kept(tmp_path):
    assert inverse(tmp_path, 'ALTER TABLE IF EXISTS ONLY "s"."t" ADD COLUMN "x" int;') == [
        'ALTER TABLE IF EXISTS ONLY "s"."t" DROP COLUMN "x";']


def test_several_statements_in_one_chunk_are_reversed_and_keep_their_own_text(tmp_path):
    sql = ('CREATE TABLE "a" ("id" int);\nCREATE TABLE "b" ("id" int); SET LOCAL lock_timeout = \'1s\';'
           '--> statement-breakpoint\nCREATE INDEX "a_idx" ON "a" ("id");')
    p = plan(tmp_path, sql)
    assert [(s.statement, s.original, s.sql) for s in p.steps] == [
        (1, 'CREATE INDEX "a_idx" ON "a" ("id")', 'DROP INDEX "a_idx";'),
        (0, "SET LOCAL lock_timeout = '1s'", None),
        (0, 'CREATE TABLE "b" ("id" int)', 'DROP TABLE "b";'),
        (0, 'CREATE TABLE "a" ("id" int)', 'DROP TABLE "a";'),
    ]


def test_drizzle_kit_output_is_undone_in_reverse_order(tmp_path):
    sql = ("CREATE TYPE \"public\".\"role\" AS ENUM('admin', 'member');--> statement-breakpoint\n"
           'CREATE TABLE "users" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"role" "role" DEFAULT \'member\'\n);\n'
           "--> statement-breakpoint\n"
           'CREATE TABLE "posts" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"author_id" integer\n);\n'
           "--> statement-breakpoint\n"
           'ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") '
           'REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint\n'
           'CREATE INDEX "posts_author_idx" ON "posts" USING btree ("author_id");')
    p = plan(tmp_path, sql)
    assert [(s.statement, s.sql) for s in p.steps] == [
        (4, 'DROP INDEX "posts_author_idx";'),
        (3, 'ALTER TABLE "posts" DROP CONSTRAINT "posts_author_id_users_id_fk";'),
        (2, 'DROP TABLE "posts";'),
        (1, 'DROP TABLE "users";'),
        (0, 'DROP TYPE "public"."role";'),
    ]
    assert p.reversible


def test_leading_comments_are_not_part_of_the_original(tmp_path):
    step = only_step(tmp_path, '-- add the age\n/* really */\nALTER TABLE "u" ADD COLUMN "age" int;')
    assert step.original == 'ALTER TABLE "u" ADD COLUMN "age" int'


# -- DO blocks (older drizzle-kit output) -----------------------------------------------------------------------------

DO_FK = ('DO $$ BEGIN\n ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") '
         'REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;\nEXCEPTION\n'
         " WHEN duplicate_object THEN null;\nEND $$;\n")


def test_do_wrapped_foreign_key_is_dropped_with_a_caveat(tmp_path):
    step = only_step(tmp_path, DO_FK)
    assert step.sql == 'ALTER TABLE "posts" DROP CONSTRAINT "posts_author_id_users_id_fk";'
    assert step.original.startswith('ALTER TABLE "posts" ADD CONSTRAINT')
    assert "DO block" in step.note and "existed before" in step.note


def test_do_wrapped_create_type_and_several_statements_in_reverse(tmp_path):
    sql = ("DO $$ BEGIN\n CREATE TYPE \"public\".\"mood\" AS ENUM('sad', 'ok');\n"
           ' CREATE TABLE "m" ("x" "mood");\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;')
    assert inverse(tmp_path, sql) == ['DROP TABLE "m";', 'DROP TYPE "public"."mood";']


def test_do_block_with_if_is_inverted_with_a_conditional_note(tmp_path):
    sql = ("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN "
           "CREATE TYPE mood AS ENUM ('sad'); END IF; END $$ LANGUAGE plpgsql;")
    step = only_step(tmp_path, sql)
    assert step.sql == 'DROP TYPE "mood";' and "conditional" in step.note


@pytest.mark.parametrize(("sql", "reason"), [
    ("DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$;", "no automatic inverse"),
    ("DO $$ DECLARE n text := 'x'; BEGIN n := 'y'; EXECUTE 'DROP TABLE ' || n; END $$;", "dynexecute"),
    ("DO $$ BEGIN FOR i IN 1..3 LOOP INSERT INTO t VALUES (i); END LOOP; END $$;", "no automatic inverse"),
    ("DO $$ BEGIN this is not plpgsql; END $$;", "cannot parse"),
    ("DO $$ BEGIN DELETE FROM t; END $$;", "DELETE destroys data"),
    ("DO LANGUAGE plperl $$ 1; $$;", "plperl"),
])
def test_do_blocks_that_cannot_be_inverted_are_irreversible(tmp_path, sql, reason):
    step = only_step(tmp_path, sql)
    assert step.sql is None and reason in step.irreversible


def test_do_block_without_sql_needs_nothing(tmp_path):
    step = only_step(tmp_path, "DO $$ BEGIN RAISE NOTICE 'hi'; END $$;")
    assert step.sql is None and step.irreversible is None and step.note


# -- odd files ------------------------------------------------------------------------------------------------------


def test_unparsable_chunk_is_irreversible_and_the_rest_is_still_inverted(tmp_path):
    sql = 'CREATE TABLE "a" (id int);--> statement-breakpoint\nCREATE TABLE ( oops;--> statement-breakpoint\nSELECT 1;'
    p = plan(tmp_path, sql)
    assert [s.statement for s in p.steps] == [2, 1, 0]
    assert p.steps[1].irreversible.startswith("cannot parse: syntax error")
    assert p.steps[1].original == "CREATE TABLE ( oops"
    assert p.steps[2].sql == 'DROP TABLE "a";'


def test_breakpoint_inside_a_dollar_body_gives_two_unparsable_chunks(tmp_path):
    sql = "CREATE FUNCTION f() RETURNS int AS $$\n--> statement-breakpoint\nSELECT 1 $$ LANGUAGE sql;"
    p = plan(tmp_path, sql)
    assert [s.irreversible.startswith("cannot parse") for s in p.steps] == [True, True]


def test_bom_makes_the_first_chunk_unparsable(tmp_path):
    p = plan(tmp_path, b'\xef\xbb\xbfCREATE TABLE "a" (id int);--> statement-breakpoint\nCREATE TABLE "b" (id int);')
    assert p.steps[0].sql == 'DROP TABLE "b";'
    assert p.steps[1].irreversible.startswith("cannot parse")


def test_invalid_utf8_is_already_replaced_and_still_parses(tmp_path):
    step = only_step(tmp_path, b"COMMENT ON TABLE \"t\" IS 'caf\xe9';")
    assert "\ufffd" in step.original and step.irreversible is None


@pytest.mark.parametrize("sql", ["", "-- Custom SQL migration file, put your code below! --", "\n\n  \n",
                                 "/* nothing */\n--> statement-breakpoint\n-- still nothing\n"])
def test_empty_and_comment_only_files_have_no_steps(tmp_path, sql):
    p = plan(tmp_path, sql)
    assert p.steps == () and p.reversible
    script = p.render()
    assert "Nothing to undo" in script and "BEGIN" not in script


def test_missing_file_is_irreversible(tmp_path):
    out = make_folder(tmp_path, [entry(1, TAG, 1)], {})
    p = rollback_plan(read_journal(out).entries[0])
    assert not p.reversible and "missing" in p.steps[0].irreversible


# -- rendering ------------------------------------------------------------------------------------------------------


def test_render_names_each_step_and_never_emits_sql_for_irreversible_steps(tmp_path):
    sql = ('ALTER TABLE "users" ADD COLUMN "nick" text;--> statement-breakpoint\n'
           'ALTER TABLE "users" DROP COLUMN "legacy";--> statement-breakpoint\n'
           'CREATE TABLE "t" (\n  "id" int\n);')
    m = migration(tmp_path, sql)
    script = rollback_sql(m)
    assert script == rollback_plan(m).render()
    lines = script.splitlines()
    assert lines[0] == f"-- neontui rollback for migration {TAG}"
    assert any(line.startswith("-- NOT FULLY REVERSIBLE: 1 step") for line in lines)
    assert f'-- undo {TAG} statement 2: CREATE TABLE "t" (' in lines
    assert f'-- undo {TAG} statement 1: ALTER TABLE "users" DROP COLUMN "legacy"' in lines
    assert f'-- undo {TAG} statement 0: ALTER TABLE "users" ADD COLUMN "nick" text' in lines
    executable = [line for line in lines if line and not line.startswith("--")]
    assert executable == ["BEGIN;", 'DROP TABLE "t";', 'ALTER TABLE "users" DROP COLUMN "nick";', "COMMIT;"]
    irreversible = [line for line in lines if line.startswith("-- IRREVERSIBLE: ")]
    assert irreversible == [f'-- IRREVERSIBLE: DROP COLUMN "legacy" destroys data; {RESTORE}']
    # Steps appear in rollback order.
    assert script.index("statement 2") < script.index("statement 1") < script.index("statement 0")


def test_render_of_only_irreversible_steps_has_no_transaction(tmp_path):
    script = plan(tmp_path, 'DROP TABLE "users";').render()
    assert [line for line in script.splitlines() if line and not line.startswith("--")] == []


def test_render_drop_index_concurrently_is_not_wrapped_in_a_transaction(tmp_path):
    p = plan(tmp_path, 'CREATE INDEX CONCURRENTLY "i" ON "t" ("x");--> statement-breakpoint\nCREATE TABLE "z" ();')
    assert not p.transactional
    script = p.render()
    assert "BEGIN;" not in script and "COMMIT;" not in script and "cannot run inside" in script


def test_render_keeps_comment_lines_single_line(tmp_path):
    step_sql = 'CREATE TABLE "a\nb" ("id" int);'
    script = plan(tmp_path, step_sql).render()
    assert 'DROP TABLE "a\nb";' in script  # the identifier itself keeps its newline
    assert all(line.startswith("--") or line in ("", "BEGIN;", "COMMIT;", 'DROP TABLE "a', 'b";')
               for line in script.splitlines())


def test_render_shows_notes_before_the_inverse(tmp_path):
    script = plan(tmp_path, "ALTER TABLE \"u\" ALTER COLUMN \"r\" SET DEFAULT 'x';").render()
    assert '-- note: assumes there was no default before (the previous default is unknown)\n' \
           'ALTER TABLE "u" ALTER COLUMN "r" DROP DEFAULT;' in script


# -- real PostgreSQL round trips -------------------------------------------------------------------------------------

SNAPSHOT_QUERIES = {
    "schemas": """SELECT nspname FROM pg_namespace
                  WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1""",
    "relations": """SELECT n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1, 2""",
    "columns": """SELECT table_schema, table_name, column_name, ordinal_position, data_type, udt_name, is_nullable,
                         column_default, is_identity
                  FROM information_schema.columns
                  WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3""",
    "indexes": """SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
                  WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3""",
    "constraints": """SELECT n.nspname, c.conname, c.conrelid::regclass::text, c.contype, pg_get_constraintdef(c.oid)
                      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1, 2, 3""",
    "types": """SELECT n.nspname, t.typname, t.typtype,
                       array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typtype IN ('e', 'd', 'c') AND n.nspname NOT LIKE 'pg\\_%'
                  AND n.nspname <> 'information_schema' ORDER BY 1, 2""",
    "functions": """SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1, 2, 3""",
    "policies": "SELECT schemaname, tablename, policyname, cmd, qual FROM pg_policies ORDER BY 1, 2, 3",
    "triggers": "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
    "composite_attributes": """SELECT a.attrelid::regclass::text, a.attname, a.attnum, a.atttypid::regtype::text
                               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                               WHERE c.relkind = 'c' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 3""",
}


def snapshot(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    return {name: conn.execute(query).fetchall() for name, query in SNAPSHOT_QUERIES.items()}


def apply(conn: psycopg.Connection, m: Migration) -> None:
    """Like drizzle: each chunk as one simple query with no parameters."""
    for chunk in m.statements:
        if chunk.strip():
            conn.execute(chunk)


BASE_SCHEMA = """
CREATE TABLE "customers" ("id" serial PRIMARY KEY NOT NULL, "name" text, "legacy" text);
CREATE TABLE "orders" ("id" serial PRIMARY KEY NOT NULL, "total" integer DEFAULT 0 NOT NULL);
INSERT INTO "customers" ("name", "legacy") VALUES ('Ada', 'old data'), ('Linus', NULL);
INSERT INTO "orders" ("total") VALUES (10), (20);
"""

DRIZZLE_MIGRATION = """CREATE TYPE "public"."order_status" AS ENUM('pending', 'paid', 'shipped');\
--> statement-breakpoint
CREATE TABLE "invoices" (
\t"id" serial PRIMARY KEY NOT NULL,
\t"order_id" integer NOT NULL,
\t"status" "order_status" DEFAULT 'pending' NOT NULL,
\t"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
\t"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
\t"entry" jsonb,
\tCONSTRAINT "audit_log_entry_unique" UNIQUE("entry")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "customer_id" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "status" "order_status" DEFAULT 'pending';--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") \
REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_order_id_orders_id_fk" FOREIGN KEY ("order_id") \
REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_customer_id_idx" ON "orders" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_order_id_idx" ON "invoices" USING btree ("order_id");--> statement-breakpoint
ALTER TABLE "customers" RENAME COLUMN "name" TO "full_name";--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "full_name" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ENABLE ROW LEVEL SECURITY;"""


def round_trip(database_url: str, tmp_path: Path, base: str, sql: str) -> tuple[RollbackPlan, dict, dict, dict]:
    """Snapshots before the migration, after it, and after the rendered rollback script."""
    m = migration(tmp_path, sql)
    p = rollback_plan(m)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(base)
        before = snapshot(conn)
        apply(conn, m)
        applied = snapshot(conn)
        conn.execute(p.render())
        after = snapshot(conn)
    return p, before, applied, after


def test_round_trip_drizzle_kit_migration_restores_the_schema(database_url, tmp_path):
    p, before, applied, after = round_trip(database_url, tmp_path, BASE_SCHEMA, DRIZZLE_MIGRATION)
    assert p.reversible
    assert applied != before
    assert after == before
    with psycopg.connect(database_url) as conn:  # rows of the pre-existing tables survive
        assert conn.execute('SELECT "name", "legacy" FROM "customers" ORDER BY "id"').fetchall() == [
            ("Ada", "old data"), ("Linus", None)]


def test_round_trip_older_drizzle_kit_output_with_do_blocks(database_url, tmp_path):
    sql = ('DO $$ BEGIN\n CREATE TYPE "public"."mood" AS ENUM(\'sad\', \'ok\');\nEXCEPTION\n'
           " WHEN duplicate_object THEN null;\nEND $$;\n--> statement-breakpoint\n"
           'CREATE TABLE IF NOT EXISTS "notes" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"customer_id" integer,\n'
           '\t"mood" "mood"\n);\n--> statement-breakpoint\n'
           'DO $$ BEGIN\n ALTER TABLE "notes" ADD CONSTRAINT "notes_customer_id_customers_id_fk" FOREIGN KEY '
           '("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;\n'
           "EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n--> statement-breakpoint\n"
           'CREATE INDEX IF NOT EXISTS "notes_customer_idx" ON "notes" USING btree ("customer_id");')
    p, before, applied, after = round_trip(database_url, tmp_path, BASE_SCHEMA, sql)
    assert p.reversible and applied != before
    assert after == before


def test_round_trip_covers_the_other_reversible_mappings(database_url, tmp_path):
    base = BASE_SCHEMA + """
CREATE SCHEMA "archive";
CREATE TYPE "public"."tier" AS ENUM ('free', 'pro');
ALTER TABLE "orders" ALTER COLUMN "total" DROP DEFAULT;
CREATE TABLE "moved" ("id" int);
CREATE TYPE "public"."pair" AS ("a" int);
"""
    sql = """CREATE SCHEMA "billing";--> statement-breakpoint
CREATE SEQUENCE "billing"."invoice_seq" START WITH 1000;--> statement-breakpoint
CREATE DOMAIN "billing"."cents" AS integer CHECK (VALUE >= 0);--> statement-breakpoint
ALTER DOMAIN "billing"."cents" ADD CONSTRAINT "cents_max" CHECK (VALUE < 1000000);--> statement-breakpoint
ALTER DOMAIN "billing"."cents" SET NOT NULL;--> statement-breakpoint
ALTER TYPE "public"."pair" ADD ATTRIBUTE "b" text;--> statement-breakpoint
ALTER TYPE "public"."pair" RENAME ATTRIBUTE "a" TO "first";--> statement-breakpoint
CREATE TABLE "billing"."Ledger Lines" ("id" int, "amount" "billing"."cents", "label" text);--> statement-breakpoint
ALTER TABLE "billing"."Ledger Lines" ADD COLUMN "note" text, ALTER COLUMN "label" SET NOT NULL, \
ADD CONSTRAINT "ledger_label_check" CHECK (length("label") > 0), ALTER COLUMN "id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "billing"."Ledger Lines" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "total" SET DEFAULT 5;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "total" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" RENAME TO "clients";--> statement-breakpoint
ALTER TABLE "clients" RENAME CONSTRAINT "customers_pkey" TO "clients_pkey";--> statement-breakpoint
ALTER TABLE "moved" SET SCHEMA "archive";--> statement-breakpoint
ALTER TYPE "public"."tier" RENAME VALUE 'pro' TO 'premium';--> statement-breakpoint
ALTER TYPE "public"."tier" RENAME TO "plan";--> statement-breakpoint
CREATE VIEW "billing"."big_orders" AS SELECT * FROM "public"."orders" WHERE "total" > 10;--> statement-breakpoint
CREATE MATERIALIZED VIEW "order_totals" AS SELECT sum("total") AS s FROM "orders";--> statement-breakpoint
CREATE FUNCTION "billing"."touch"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
--> statement-breakpoint
CREATE FUNCTION "billing"."add"(a integer, b "billing"."cents") RETURNS integer LANGUAGE sql AS $$ SELECT a + b $$;
--> statement-breakpoint
CREATE TRIGGER "orders_touch" BEFORE UPDATE ON "public"."orders" FOR EACH ROW EXECUTE FUNCTION "billing"."touch"();
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "orders_read" ON "orders" AS PERMISSIVE FOR SELECT TO public USING (true);--> statement-breakpoint
SET LOCAL lock_timeout = '5s';--> statement-breakpoint
COMMENT ON TABLE "orders" IS 'orders';--> statement-breakpoint
CREATE INDEX "billing_lines_label" ON "billing"."Ledger Lines" ("label");"""
    p, before, applied, after = round_trip(database_url, tmp_path, base, sql)
    assert p.reversible
    assert applied != before
    assert after == before


def test_round_trip_irreversible_step_renders_no_executable_statement(database_url, tmp_path):
    sql = ('ALTER TABLE "customers" ADD COLUMN "nickname" text;--> statement-breakpoint\n'
           'ALTER TABLE "customers" DROP COLUMN "legacy";')
    p, before, _applied, after = round_trip(database_url, tmp_path, BASE_SCHEMA, sql)
    assert not p.reversible
    (lost,) = [s for s in p.steps if s.irreversible]
    assert lost.sql is None and "legacy" in lost.irreversible and RESTORE in lost.irreversible
    columns = {(row[1], row[2]) for row in after["columns"]}
    assert ("customers", "nickname") not in columns  # the reversible part was undone
    assert ("customers", "legacy") not in columns  # the dropped column stays gone: no fake SQL recreated it
    assert after != before
    assert [c for c in after["columns"] if c[2] != "legacy"] == [c for c in before["columns"] if c[2] != "legacy"]
