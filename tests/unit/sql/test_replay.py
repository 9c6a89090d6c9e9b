"""Replaying migration SQL onto the schema model, statement kind by statement kind, and comparing two schemas.

The names PostgreSQL chooses are confirmed against the real server in tests/db/sql/test_replay_live.py; here each
statement's effect on the model is pinned, with its IF EXISTS / IF NOT EXISTS forms and an untouched input.
"""

from __future__ import annotations

import copy

import pytest

from neontui.core.schema import Column, Constraint, ConstraintKind, Schema, Table, Volatility
from neontui.core.schema.names import clip, object_name
from neontui.core.sql.parse import parse
from neontui.core.sql.replay import compare, index_column_names, replay
from neontui.core.sql.types import parse_type, type_from_node, type_text

BP = "\n--> statement-breakpoint\n"
USERS = ("public", "users")


def run(sql: str, schema: Schema | None = None) -> Schema:
    return replay(schema or Schema("empty"), sql, origin="the SQL")


def table(schema: Schema, name: str = "users", namespace: str = "public") -> Table:
    found = schema.tables.get((namespace, name))
    assert found is not None, f"{namespace}.{name} not in {sorted(schema.tables)}"
    return found


def kinds(t: Table) -> dict[str, ConstraintKind]:
    return {name: c.kind for name, c in t.constraints.items()}


# -- CREATE TABLE ----------------------------------------------------------------------------------------------------

def test_create_table_columns_types_not_null_defaults_identity_and_generated():
    s = run('CREATE TABLE "users" (id serial PRIMARY KEY, email varchar(255) NOT NULL, tags text[] DEFAULT '
            "'{}'::text[], n int GENERATED ALWAYS AS IDENTITY, doubled int GENERATED ALWAYS AS (n * 2) STORED, "
            "created timestamp with time zone DEFAULT now() NOT NULL, note text NULL)")
    cols = table(s).columns
    assert list(cols) == ["id", "email", "tags", "n", "doubled", "created", "note"]
    assert cols["id"] == Column("integer", not_null=True, default="nextval('users_id_seq'::regclass)")
    assert parse_type(cols["email"].type) == ("varchar", (255,)) and cols["email"].not_null
    assert parse_type(cols["tags"].type) == ("text[]", ()) and cols["tags"].default == "CAST('{}' AS text[])"
    assert cols["n"].identity and cols["n"].not_null and cols["n"].default is None
    assert cols["doubled"].generated == "n * 2" and cols["doubled"].default is None
    assert parse_type(cols["created"].type) == ("timestamptz", ()) and cols["created"].default == "now()"
    assert not cols["note"].not_null


def test_serial_kinds_are_their_integers_with_a_sequence_default():
    cols = table(run("CREATE TABLE users (a bigserial, b smallserial, c serial8)")).columns
    assert [(c.type, c.default) for c in cols.values()] == [
        ("bigint", "nextval('users_a_seq'::regclass)"), ("smallint", "nextval('users_b_seq'::regclass)"),
        ("bigint", "nextval('users_c_seq'::regclass)")]


def test_unnamed_constraints_get_postgresqls_names():
    s = run("CREATE TABLE orgs (id int PRIMARY KEY)" + BP +
            "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, org int REFERENCES orgs(id), "
            "a int CHECK (a > 0), b int CHECK (a < b), c int, d int, UNIQUE (c, d), CHECK (c > 0 AND c < 9), "
            "CONSTRAINT named CHECK (d <> 0))")
    t = table(s)
    assert kinds(t) == {"users_a_check": ConstraintKind.CHECK, "users_check": ConstraintKind.CHECK,
                        "users_c_check": ConstraintKind.CHECK, "named": ConstraintKind.CHECK,
                        "users_pkey": ConstraintKind.PRIMARY, "users_email_key": ConstraintKind.UNIQUE,
                        "users_c_d_key": ConstraintKind.UNIQUE, "users_org_fkey": ConstraintKind.FOREIGN}
    assert t.indexes == {"users_pkey", "users_email_key", "users_c_d_key"}
    assert t.constraints["users_org_fkey"].references == ("public", "orgs")
    assert t.constraints["users_org_fkey"].columns == ("org",)
    assert t.constraints["users_check"].columns == ("a", "b")
    assert t.constraints["users_c_check"].expression == "(c > 0 AND c < 9)"
    assert t.constraints["users_c_d_key"].columns == ("c", "d")


def test_a_second_unnamed_check_on_one_column_is_numbered():
    t = table(run("CREATE TABLE users (a int CHECK (a > 0) CHECK (a < 9))"))
    assert set(t.constraints) == {"users_a_check", "users_a_check1"}


def test_a_primary_key_makes_its_columns_not_null():
    t = table(run("CREATE TABLE users (a int, b int, PRIMARY KEY (a, b))"))
    assert t.columns["a"].not_null and t.columns["b"].not_null
    assert t.constraints["users_pkey"].columns == ("a", "b")


def test_not_valid_counts_only_when_the_table_already_exists():
    s = run("CREATE TABLE orgs (id int PRIMARY KEY)" + BP +
            "CREATE TABLE users (org int, FOREIGN KEY (org) REFERENCES orgs(id) NOT VALID, CHECK (org > 0) NOT VALID)")
    assert all(c.validated for c in table(s).constraints.values())
    s = run("ALTER TABLE users ADD CONSTRAINT users_org_check2 CHECK (org < 9) NOT VALID", s)
    assert not table(s).constraints["users_org_check2"].validated
    s = run("ALTER TABLE users VALIDATE CONSTRAINT users_org_check2", s)
    assert table(s).constraints["users_org_check2"].validated


def test_create_table_if_not_exists_keeps_the_existing_table():
    s = run("CREATE TABLE users (id int)")
    s = run("CREATE TABLE IF NOT EXISTS users (other text)", s)
    assert list(table(s).columns) == ["id"]


def test_creating_what_exists_changes_nothing():
    # PostgreSQL fails these; drizzle 0.x wraps them in DO blocks that swallow duplicate_object.
    s = run(BASE + BP + "CREATE TYPE mood AS ENUM ('a')")
    after = run("CREATE TABLE users (other text)" + BP + "CREATE TYPE mood AS ENUM ('b')" + BP +
                "ALTER TABLE users ADD COLUMN note text" + BP +
                "ALTER TABLE users ADD CONSTRAINT users_email_key CHECK (id > 0)" + BP +
                "DO $$ BEGIN\n CREATE TYPE mood AS ENUM('c');\nEXCEPTION\n WHEN duplicate_object THEN null;\n"
                "END $$;", s)
    assert after.tables == s.tables and after.enums == {("public", "mood"): ["a"]}


def test_qualified_names_and_partitioning():
    s = run("CREATE TABLE app.events (id int, k text NOT NULL, n int DEFAULT 3, PRIMARY KEY (id, k), "
            "CONSTRAINT n_positive CHECK (n > 0)) PARTITION BY LIST (k)" + BP +
            "CREATE TABLE app.events_a PARTITION OF app.events FOR VALUES IN ('a')")
    parent, child = table(s, "events", "app"), table(s, "events_a", "app")
    assert parent.partitioned and not child.partitioned
    assert list(child.columns) == ["id", "k", "n"] and child.columns["n"].default == "3"
    assert kinds(child) == {"n_positive": ConstraintKind.CHECK, "events_a_pkey": ConstraintKind.PRIMARY}
    assert child.indexes == {"events_a_pkey"}


def test_attach_partition_gives_the_partition_the_parents_key_unless_it_has_one():
    s = run("CREATE TABLE p (id int PRIMARY KEY) PARTITION BY RANGE (id)" + BP +
            "CREATE TABLE p1 (id int PRIMARY KEY)" + BP + "CREATE TABLE p2 (id int NOT NULL)" + BP +
            "ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)" + BP +
            "ALTER TABLE ONLY p ATTACH PARTITION p2 FOR VALUES FROM (10) TO (20)")
    assert set(table(s, "p1").constraints) == {"p1_pkey"}
    assert set(table(s, "p2").constraints) == {"p2_pkey"} and table(s, "p2").indexes == {"p2_pkey"}


# -- names -----------------------------------------------------------------------------------------------------------

def test_long_names_are_cut_to_63_bytes_the_longer_part_first():
    long_table, long_column = "t" * 70, "c" * 70
    assert object_name(long_table[:63], long_column[:63], "key") == "t" * 29 + "_" + "c" * 29 + "_key"
    assert len(object_name("a" * 63, None, "pkey").encode()) == 63
    assert object_name("a" * 63, "y", "check") == "a" * 55 + "_y_check"


def test_multibyte_names_are_cut_on_a_character_boundary():
    assert clip("é" * 40) == "é" * 31  # 62 bytes: a 64th byte would split the 32nd character
    assert object_name("é" * 31, None, "pkey") == "é" * 29 + "_pkey"
    assert object_name("é" * 31, "é" * 7, "key") == "é" * 22 + "_" + "é" * 7 + "_key"


def test_identifiers_past_63_bytes_are_already_cut_by_the_parser():
    t = table(run(f'CREATE TABLE "{"é" * 40}" (id int PRIMARY KEY)'), "é" * 31)
    assert set(t.constraints) == {"é" * 29 + "_pkey"}


def _elems(sql: str) -> list[dict]:
    return [e["IndexElem"] for e in parse(sql)[0]["stmt"]["IndexStmt"]["indexParams"]]


@pytest.mark.parametrize(("columns", "names"), [
    ("(a, b)", ["a", "b"]),
    ("(lower(email))", ["lower"]),
    ("((a + b))", ["expr"]),
    ("((email::varchar))", ["email"]),  # a cast names its column…
    ("(((a + b)::text))", ["text"]),  # …or, when that has no name, its type
    ("(coalesce(a, 0))", ["coalesce"]),
    ("(a, a)", ["a", "a1"]),
])
def test_index_column_names(columns, names):
    assert index_column_names(_elems(f"CREATE INDEX ON t {columns}")) == names


# -- ALTER TABLE -----------------------------------------------------------------------------------------------------

BASE = ("CREATE TABLE orgs (id int PRIMARY KEY)" + BP +
        "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, org int REFERENCES orgs(id), note varchar(20))")


def test_add_and_drop_column():
    s = run(BASE + BP + "ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0, ADD COLUMN code text UNIQUE" + BP +
            "ALTER TABLE users ADD COLUMN IF NOT EXISTS age bigint" + BP + "ALTER TABLE users DROP COLUMN note" + BP +
            "ALTER TABLE users DROP COLUMN IF EXISTS never")
    t = table(s)
    assert list(t.columns) == ["id", "email", "org", "age", "code"]
    assert t.columns["age"] == Column("integer", not_null=True, default="0")
    assert "users_code_key" in t.constraints and "users_code_key" in t.indexes


def test_dropping_a_column_drops_the_constraints_that_name_it_and_their_indexes():
    s = run(BASE + BP + "ALTER TABLE users ADD UNIQUE (email, note), ADD CHECK (note <> email)" + BP +
            "ALTER TABLE users DROP COLUMN email")
    t = table(s)
    assert set(t.constraints) == {"users_pkey", "users_org_fkey"} and t.indexes == {"users_pkey"}


def test_alter_column_type_null_default_identity():
    s = run(BASE + BP + "ALTER TABLE users ALTER COLUMN note SET DATA TYPE text, ALTER note SET NOT NULL, "
            "ALTER note SET DEFAULT 'x'" + BP + "ALTER TABLE users ALTER COLUMN email SET NOT NULL" + BP +
            "ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN org SET NOT NULL")
    t = table(s)
    assert t.columns["note"] == Column("text", not_null=True, default="'x'")
    assert not t.columns["email"].not_null
    s = run("ALTER TABLE users ALTER COLUMN note DROP DEFAULT" + BP +
            "ALTER TABLE users ALTER COLUMN org ADD GENERATED BY DEFAULT AS IDENTITY", s)
    assert table(s).columns["note"].default is None and table(s).columns["org"].identity
    s = run("ALTER TABLE users ALTER COLUMN org DROP IDENTITY IF EXISTS", s)
    assert not table(s).columns["org"].identity and table(s).columns["org"].not_null


def test_add_validate_drop_constraint():
    s = run(BASE + BP + "ALTER TABLE users ADD CONSTRAINT users_note_chk CHECK (note IS NOT NULL) NOT VALID")
    chk = table(s).constraints["users_note_chk"]
    assert (chk.kind, chk.expression, chk.validated, chk.columns) == (
        ConstraintKind.CHECK, "(note IS NOT NULL)", False, ("note",))
    s = run("ALTER TABLE users VALIDATE CONSTRAINT users_note_chk" + BP +
            "ALTER TABLE users DROP CONSTRAINT users_email_key" + BP +
            "ALTER TABLE users DROP CONSTRAINT IF EXISTS never", s)
    assert table(s).constraints["users_note_chk"].validated
    assert "users_email_key" not in table(s).constraints and "users_email_key" not in table(s).indexes


def test_dropping_a_primary_key_leaves_its_columns_not_null():
    s = run(BASE + BP + "ALTER TABLE users DROP CONSTRAINT users_pkey")
    assert "users_pkey" not in table(s).indexes and table(s).columns["id"].not_null


def test_add_constraint_using_an_index_takes_the_index():
    s = run(BASE + BP + "CREATE UNIQUE INDEX users_note_uidx ON users (note)" + BP +
            "ALTER TABLE users ADD CONSTRAINT users_note_unique UNIQUE USING INDEX users_note_uidx")
    t = table(s)
    assert "users_note_uidx" not in t.indexes and "users_note_unique" in t.indexes
    assert t.constraints["users_note_unique"].kind is ConstraintKind.UNIQUE


def test_renames():
    s = run(BASE + BP + 'ALTER TABLE users RENAME COLUMN email TO "Email"' + BP +
            "ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_uq" + BP +
            "ALTER INDEX users_pkey RENAME TO users_pk" + BP + "ALTER TABLE orgs RENAME TO organizations")
    t = table(s)
    assert list(t.columns) == ["id", "Email", "org", "note"]
    assert t.constraints["users_email_uq"].columns == ("Email",)
    assert {"users_email_uq", "users_pk"} <= t.indexes and "users_pk" in t.constraints
    assert t.constraints["users_org_fkey"].references == ("public", "organizations")
    assert ("public", "orgs") not in s.tables and ("public", "organizations") in s.tables


def test_set_schema_moves_the_table_and_what_points_at_it():
    s = run(BASE + BP + "CREATE SCHEMA app" + BP + "ALTER TABLE orgs SET SCHEMA app")
    assert ("app", "orgs") in s.tables and table(s).constraints["users_org_fkey"].references == ("app", "orgs")


def test_alter_on_a_missing_table_or_column_changes_nothing():
    s = run(BASE)
    after = run("ALTER TABLE IF EXISTS nowhere ADD COLUMN x int" + BP +
                "ALTER TABLE users ALTER COLUMN nowhere SET NOT NULL", s)
    assert after.tables == s.tables


# -- DROP TABLE ------------------------------------------------------------------------------------------------------

def test_drop_table_takes_the_foreign_keys_that_pointed_at_it():
    s = run(BASE + BP + "DROP TABLE orgs CASCADE" + BP + "DROP TABLE IF EXISTS nowhere")
    assert ("public", "orgs") not in s.tables and "users_org_fkey" not in table(s).constraints
    s = run("DROP TABLE users, orgs", run(BASE))
    assert s.tables == {}


# -- indexes ---------------------------------------------------------------------------------------------------------

def test_create_and_drop_index():
    s = run(BASE + BP + "CREATE INDEX ON users (org)" + BP + "CREATE INDEX ON users (org)" + BP +
            "CREATE UNIQUE INDEX CONCURRENTLY ON users (lower(email))" + BP +
            "CREATE INDEX IF NOT EXISTS users_note_idx ON users (note)" + BP +
            "CREATE INDEX IF NOT EXISTS users_note_idx ON users (email)" + BP +
            "CREATE INDEX users_email_key ON users (note)")  # taken by the unique constraint: PostgreSQL fails
    assert table(s).indexes >= {"users_org_idx", "users_org_idx1", "users_lower_idx", "users_note_idx"}
    s = run("DROP INDEX users_org_idx" + BP + "DROP INDEX CONCURRENTLY IF EXISTS public.users_org_idx1" + BP +
            "DROP INDEX IF EXISTS nowhere" + BP + "ALTER INDEX users_note_idx RENAME TO users_note", s)
    assert table(s).indexes == {"users_pkey", "users_email_key", "users_lower_idx", "users_note"}


def test_an_unnamed_index_skips_names_other_relations_hold():
    s = run("CREATE TABLE users (id int)" + BP + "CREATE TABLE users_id_idx (x int)" + BP +
            "CREATE INDEX ON users (id)")
    assert table(s).indexes == {"users_id_idx1"}


def test_an_index_in_another_schema():
    s = run("CREATE TABLE app.users (id int)" + BP + "CREATE INDEX ON app.users (id)" + BP +
            "DROP INDEX users_id_idx")  # unqualified: public, where there is none
    assert table(s, "users", "app").indexes == {"users_id_idx"}
    s = run("DROP INDEX app.users_id_idx", s)
    assert table(s, "users", "app").indexes == set()


# -- enums -----------------------------------------------------------------------------------------------------------

def test_enum_create_add_value_rename_value_rename_drop():
    s = run("CREATE TYPE mood AS ENUM ('sad', 'ok')" + BP + "ALTER TYPE mood ADD VALUE 'happy'" + BP +
            "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy'" + BP +
            "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'" + BP +
            "ALTER TYPE mood ADD VALUE 'blue' AFTER 'sad'" + BP + "ALTER TYPE mood RENAME VALUE 'sad' TO 'down'")
    assert s.enums == {("public", "mood"): ["down", "blue", "meh", "ok", "happy"]}
    s = run("CREATE TABLE users (m mood, ms mood[])" + BP + "ALTER TYPE mood RENAME TO feeling", s)
    assert list(s.enums) == [("public", "feeling")]
    assert [parse_type(c.type) for c in table(s).columns.values()] == [("feeling", ()), ("feeling[]", ())]
    s = run("DROP TYPE feeling CASCADE" + BP + "DROP TYPE IF EXISTS nowhere", s)
    assert s.enums == {} and table(s).columns == {}


def test_enum_in_a_schema_and_moved():
    s = run('CREATE TYPE "app"."Level" AS ENUM (\'low\')' + BP + 'ALTER TYPE app."Level" SET SCHEMA public')
    assert s.enums == {("public", "Level"): ["low"]}


def test_drizzle_0x_do_blocks_are_replayed():
    s = run("DO $$ BEGIN\n CREATE TYPE \"Roles\" AS ENUM('admin', 'user');\nEXCEPTION\n WHEN duplicate_object THEN "
            "null;\nEND $$;" + BP + BASE + BP +
            'DO $$ BEGIN\n ALTER TABLE "users" ADD CONSTRAINT "users_org_orgs_id_fk" FOREIGN KEY ("org") '
            'REFERENCES "orgs"("id") ON DELETE cascade;\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;')
    assert s.enums == {("public", "Roles"): ["admin", "user"]}
    assert table(s).constraints["users_org_orgs_id_fk"].references == ("public", "orgs")


# -- extensions, functions, schemas ----------------------------------------------------------------------------------

def test_extensions():
    s = run('CREATE EXTENSION IF NOT EXISTS pgcrypto' + BP + 'CREATE EXTENSION "uuid-ossp"' + BP +
            'DROP EXTENSION IF EXISTS "uuid-ossp"')
    assert s.extensions == {"pgcrypto"}


def test_function_volatility():
    body = " RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"
    s = run("CREATE FUNCTION f()" + body + " IMMUTABLE" + BP + "CREATE FUNCTION app.g()" + body + BP +
            "CREATE OR REPLACE FUNCTION h()" + body + " STABLE" + BP + "CREATE FUNCTION gone()" + body + BP +
            "DROP FUNCTION IF EXISTS gone(), nowhere" + BP + "CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$")
    assert s.functions == {("public", "f"): Volatility.IMMUTABLE, ("app", "g"): Volatility.VOLATILE,
                           ("public", "h"): Volatility.STABLE}
    # Another overload of a name keeps the most volatile; CREATE OR REPLACE replaces.
    s = run("CREATE FUNCTION f(x int)" + body + " VOLATILE", s)
    assert s.functions[("public", "f")] is Volatility.VOLATILE
    s = run("CREATE OR REPLACE FUNCTION f(x int)" + body + " STABLE", s)
    assert s.functions[("public", "f")] is Volatility.STABLE


def test_drop_schema_cascade_takes_its_tables_enums_and_functions():
    s = run("CREATE SCHEMA app" + BP + "CREATE TABLE app.orgs (id int PRIMARY KEY)" + BP +
            "CREATE TYPE app.level AS ENUM ('a')" + BP + "CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS $$ "
            "SELECT 1 $$" + BP + "CREATE TABLE users (org int REFERENCES app.orgs(id))" + BP +
            "DROP SCHEMA app CASCADE")
    assert list(s.tables) == [USERS] and table(s).constraints == {}
    assert s.enums == {} and s.functions == {}


# -- what is not modelled --------------------------------------------------------------------------------------------

def test_syntax_errors_and_other_statements_change_nothing():
    s = run(BASE)
    after = run("CREATE TABLE broken (" + BP + "INSERT INTO users VALUES (1)" + BP + "CREATE VIEW v AS SELECT 1" + BP +
                "UPDATE users SET note = 'x'" + BP + "GRANT SELECT ON users TO public" + BP + "SELECT 1", s)
    assert after.tables == s.tables and after.enums == s.enums


def test_the_input_schema_is_never_changed():
    before = run(BASE + BP + "CREATE TYPE mood AS ENUM ('a')" + BP + "CREATE EXTENSION x" + BP +
                 "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$")
    snapshot = copy.deepcopy(before)
    after = run("ALTER TABLE users ADD COLUMN x int, ALTER COLUMN note SET NOT NULL, DROP CONSTRAINT users_email_key"
                + BP + "ALTER TABLE users RENAME COLUMN note TO remark" + BP + "ALTER TABLE orgs RENAME TO o" + BP +
                "CREATE INDEX ON users (org)" + BP + "ALTER TYPE mood ADD VALUE 'b'" + BP + "DROP EXTENSION x" + BP +
                "DROP FUNCTION f" + BP + "ALTER TYPE mood RENAME VALUE 'a' TO 'z'", before)
    assert before == snapshot
    assert after != before and after.origin == "the SQL"


# -- type text -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sql_type", ["varchar(10)[]", '"char"', "char(3)", "timestamp(3) with time zone",
                                      "numeric(10,2)", "interval day to second", '"Roles"', 'public."buildType"',
                                      "double precision", "bit varying(5)", '"weird""name"', "text[][]",
                                      '"select"', "integer", '"my type"[]', "real", "boolean", "smallint[]",
                                      "pg_catalog.int8", "float(30)"])
def test_type_text_reads_back_to_the_same_type(sql_type):
    node = parse(f"CREATE TABLE t (a {sql_type})")[0]["stmt"]["CreateStmt"]["tableElts"][0]["ColumnDef"]["typeName"]
    text = type_text(node)
    assert parse_type(text) == type_from_node(node)
    assert text not in {"int4", "int8", "int2", "float4", "float8", "bool"}  # spelled as migrations spell them
    parse(f"CREATE TABLE t (a {text})")  # and is SQL


# -- compare ---------------------------------------------------------------------------------------------------------

def described(**tables: Table) -> Schema:
    return Schema("drizzle's snapshot of 0001_x", {("public", n): t for n, t in tables.items()})


def test_compare_agrees_on_spellings_and_serials():
    mine = run("CREATE TABLE users (id serial PRIMARY KEY, name character varying(20), n int NOT NULL)")
    theirs = described(users=Table(
        {"id": Column("serial"), "name": Column("varchar(20)"), "n": Column("integer", not_null=True)},
        {"users_pkey": Constraint(ConstraintKind.PRIMARY, ("id",))}))
    assert compare(mine, theirs) == []


def test_compare_names_each_difference():
    mine = run("CREATE TABLE users (id int PRIMARY KEY, age int, email text UNIQUE, note text DEFAULT 'x')" + BP +
               "CREATE INDEX users_age_idx ON users (age)" + BP + "CREATE TABLE extra (id int)" + BP +
               "CREATE TYPE mood AS ENUM ('a', 'b')")
    theirs = described(users=Table(
        {"id": Column("int4", not_null=True), "age": Column("bigint", not_null=True), "note": Column("text"),
         "gone": Column("text")},
        {"users_pkey": Constraint(ConstraintKind.PRIMARY, ("id",)), "users_email_key": Constraint(
            ConstraintKind.CHECK), "users_other": Constraint(ConstraintKind.UNIQUE, ("age",))},
        {"users_pkey", "users_other", "users_name_idx"}), ghost=Table())
    theirs.enums = {("public", "mood"): ["a"], ("public", "level"): ["x"]}
    where = "drizzle's snapshot of 0001_x"
    assert compare(mine, theirs) == [
        f'table "extra" is created by the SQL but is not in {where}',
        f'table "ghost" is in {where} but the SQL never creates it',
        f'column "users"."age": the SQL makes it integer, {where} says bigint',
        f'column "users"."age": the SQL makes it nullable, {where} says NOT NULL',
        f'column "users"."email" is created by the SQL but is not in {where}',
        f'column "users"."note": the SQL gives it a default, {where} says none',
        f'column "users"."gone" is in {where} but the SQL never creates it',
        f'constraint "users_email_key" on "users": the SQL makes it a unique constraint, {where} says a check '
        "constraint",
        f'constraint "users_other" on "users" is in {where} but the SQL never makes it',
        f'index "users_age_idx" on "users" is made by the SQL but is not in {where}',
        f'index "users_name_idx" on "users" is in {where} but the SQL never makes it',
        f'enum "level" is in {where} but the SQL never creates it',
        f'enum "mood": the SQL gives it labels a, b; {where} says a',
    ]


def test_compare_takes_one_primary_key_on_the_same_columns_under_another_name_as_the_same():
    # PostgreSQL keeps `user_temp_pkey` through the rename; a 0.x snapshot can only say `user_pkey`.
    mine = run("CREATE TABLE user_temp (id text PRIMARY KEY)" + BP + "ALTER TABLE user_temp RENAME TO users")
    theirs = described(users=Table({"id": Column("text", not_null=True)},
                                   {"users_pkey": Constraint(ConstraintKind.PRIMARY, ("id",))}, {"users_pkey"}))
    assert compare(mine, theirs) == []
    theirs.tables[USERS].constraints["users_pkey"].columns = ("other",)
    assert compare(mine, theirs) == [
        f'constraint "user_temp_pkey" on "users" is made by the SQL but is not in {theirs.origin}',
        f'constraint "users_pkey" on "users" is in {theirs.origin} but the SQL never makes it']


def test_compare_takes_enum_labels_in_another_order_as_drizzles_own():
    # drizzle-kit 0.x writes ADD VALUE without BEFORE for a value declared mid-list, and snapshots the declared order
    mine = run("CREATE TYPE src AS ENUM ('docker', 'drop')" + BP + "ALTER TYPE src ADD VALUE 'git'")
    theirs = Schema("drizzle's snapshot of 0002_y", enums={("public", "src"): ["docker", "git", "drop"]})
    assert compare(mine, theirs) == []
    theirs.enums["public", "src"] = ["docker", "git"]
    assert compare(mine, theirs) == ['enum "src": the SQL gives it labels docker, drop, git; '
                                     "drizzle's snapshot of 0002_y says docker, git"]


def test_compare_ignores_what_snapshots_do_not_describe():
    mine = run("CREATE TABLE users (id int, CHECK (id > 0))" + BP +
               "ALTER TABLE users ADD CONSTRAINT c CHECK (id < 9) NOT VALID" + BP + "CREATE EXTENSION x" + BP +
               "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$")
    theirs = described(users=Table({"id": Column("integer")}, {
        "users_id_check": Constraint(ConstraintKind.CHECK), "c": Constraint(ConstraintKind.CHECK),
        "users_id_not_null": Constraint(ConstraintKind.NOT_NULL, ("id",))}, rows=10))
    assert compare(mine, theirs) == []
