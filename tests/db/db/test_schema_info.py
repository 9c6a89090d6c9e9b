"""The live catalog as a Schema (read_schema) against the real server: every field the review reads."""

from __future__ import annotations

import pytest

from neontui.core.db.blockers import ReadTimedOut
from neontui.core.db.connect import connect
from neontui.core.db.schema_info import read_schema
from neontui.core.errors import NeontuiError
from neontui.core.schema import Column, Constraint, ConstraintKind, Schema, Volatility
from neontui.core.sql.types import parse_type
from tests.helpers import server_major

# Sort order differs from creation order (ADD VALUE … BEFORE); an enum may have no label at all.
SEED = """
CREATE TYPE status AS ENUM ('draft', 'live');
ALTER TYPE status ADD VALUE 'archived' BEFORE 'live';
CREATE SCHEMA billing;
CREATE TYPE billing.nothing AS ENUM ();
CREATE TABLE users (
    id serial PRIMARY KEY,
    email varchar(64) NOT NULL UNIQUE,
    bio text,
    balance numeric(10,2) DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    scores int[],
    tags varchar(100)[],
    state status NOT NULL DEFAULT 'draft',
    email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
    note text
);
CREATE INDEX users_created_at_idx ON users (created_at);
INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com'), ('c@example.com');
ANALYZE users;  -- rows without a note: the CHECK below can only be NOT VALID
ALTER TABLE users ADD CONSTRAINT users_note_present CHECK (note IS NOT NULL) NOT VALID;
CREATE TABLE billing.invoices (
    account int GENERATED ALWAYS AS IDENTITY,
    number int,
    user_id int CONSTRAINT invoices_user_fk REFERENCES users (id),
    approved_by int,
    amount numeric(10,2) CONSTRAINT invoices_amount_positive CHECK (amount > 0),
    PRIMARY KEY (number, account)
);
ALTER TABLE billing.invoices ADD CONSTRAINT invoices_approver_fk FOREIGN KEY (approved_by) REFERENCES users (id)
    NOT VALID;
CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE attendance (event_id int, event_at date, FOREIGN KEY (event_id, event_at) REFERENCES events);
CREATE TABLE bookings (room int, during tsrange, CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&));
CREATE SCHEMA drizzle;
CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint);
CREATE FUNCTION slugify(t text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT lower(t) $$;
CREATE FUNCTION billing.pick(a int) RETURNS int IMMUTABLE LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION billing.pick(a int, b int) RETURNS int STABLE LANGUAGE sql AS $$ SELECT a + b $$;
"""

# An extension a user may have, tried in this order; the embedded server ships pgvector only.
EXTENSIONS = ("vector", "pgcrypto", "citext", "hstore")


@pytest.fixture
def seeded(database_url: str) -> tuple[Schema, int]:
    """The seeded database as read_schema describes it, with the server's major version."""
    with connect(database_url) as conn:
        conn.execute(SEED)
        conn.execute("CREATE TEMP TABLE scratch (id int)")  # this session's own: never part of the schema
        return read_schema(conn), server_major(database_url)


@pytest.fixture
def schema(seeded: tuple[Schema, int]) -> Schema:
    return seeded[0]


def test_the_reader_says_where_the_schema_came_from(database_url: str) -> None:
    with connect(database_url) as conn:
        described = read_schema(conn, origin="production")
    assert described.origin == "production"
    assert described.rows_known is True
    assert described.tables == {}


def test_every_user_table_and_no_other(schema: Schema) -> None:
    assert set(schema.tables) == {
        ("public", "users"), ("billing", "invoices"), ("public", "events"), ("public", "events_2026"),
        ("public", "attendance"), ("public", "bookings"), ("drizzle", "__drizzle_migrations")}
    assert schema.origin == "the live database"


def test_column_types_read_as_the_types_a_migration_names(schema: Schema) -> None:
    types = {name: parse_type(column.type) for name, column in schema.tables[("public", "users")].columns.items()}
    assert types == {
        "id": ("int4", ()), "email": ("varchar", (64,)), "bio": ("text", ()), "balance": ("numeric", (10, 2)),
        "created_at": ("timestamptz", ()), "scores": ("int4[]", ()), "tags": ("varchar[]", (100,)),
        "state": ("status", ()), "email_lower": ("text", ()), "note": ("text", ())}
    assert list(types) == ["id", "email", "bio", "balance", "created_at", "scores", "tags", "state", "email_lower",
                           "note"]  # in the table's column order


def test_defaults_generated_columns_identity_and_not_null(schema: Schema) -> None:
    users = schema.tables[("public", "users")].columns
    assert users["id"] == Column(type="integer", not_null=True, default="nextval('users_id_seq'::regclass)")
    assert users["created_at"] == Column(type="timestamp with time zone", not_null=True, default="now()")
    assert users["state"] == Column(type="status", not_null=True, default="'draft'::status")
    assert users["balance"].default == "0"
    assert users["email_lower"] == Column(type="text", generated="lower((email)::text)")
    assert users["bio"] == Column(type="text")
    account = schema.column(("billing", "invoices"), "account")
    assert account == Column(type="integer", not_null=True, identity=True)


def test_constraints_by_name(schema: Schema, seeded: tuple[Schema, int]) -> None:
    users = schema.tables[("public", "users")].constraints
    invoices = schema.tables[("billing", "invoices")].constraints
    assert users["users_pkey"] == Constraint(ConstraintKind.PRIMARY, ("id",))
    assert users["users_email_key"] == Constraint(ConstraintKind.UNIQUE, ("email",))
    assert users["users_note_present"] == Constraint(ConstraintKind.CHECK, ("note",),
                                                     expression="(note IS NOT NULL)", validated=False)
    assert invoices["invoices_pkey"] == Constraint(ConstraintKind.PRIMARY, ("number", "account"))  # key order
    assert invoices["invoices_amount_positive"] == Constraint(ConstraintKind.CHECK, ("amount",),
                                                              expression="(amount > (0)::numeric)")
    assert invoices["invoices_user_fk"] == Constraint(ConstraintKind.FOREIGN, ("user_id",),
                                                      references=("public", "users"))
    assert invoices["invoices_approver_fk"] == Constraint(ConstraintKind.FOREIGN, ("approved_by",), validated=False,
                                                          references=("public", "users"))
    bookings = schema.tables[("public", "bookings")].constraints
    assert bookings == {"bookings_no_overlap": Constraint(ConstraintKind.EXCLUSION, ("during",))}
    not_null = {name: c.columns for name, c in users.items() if c.kind is ConstraintKind.NOT_NULL}
    # PostgreSQL 18 catalogs each NOT NULL as a constraint; older servers only set attnotnull.
    expected = {"users_id_not_null": ("id",), "users_email_not_null": ("email",),
                "users_created_at_not_null": ("created_at",), "users_state_not_null": ("state",)}
    assert not_null == (expected if seeded[1] >= 18 else {})


def test_a_foreign_key_to_a_partitioned_table_is_one_constraint(schema: Schema) -> None:
    # PostgreSQL adds a hidden row per referenced partition (attendance_…_fkey1 or _fkey_1); the user declared one.
    constraints = schema.tables[("public", "attendance")].constraints
    foreign = {name: c for name, c in constraints.items() if c.kind is ConstraintKind.FOREIGN}
    assert foreign == {"attendance_event_id_event_at_fkey": Constraint(
        ConstraintKind.FOREIGN, ("event_id", "event_at"), references=("public", "events"))}


def test_indexes_partitions_and_row_estimates(schema: Schema) -> None:
    users = schema.tables[("public", "users")]
    assert users.indexes == {"users_pkey", "users_email_key", "users_created_at_idx"}
    assert users.rows == 3.0  # ANALYZEd
    assert schema.tables[("billing", "invoices")].rows is None  # never analyzed: reltuples is -1
    events, partition = schema.tables[("public", "events")], schema.tables[("public", "events_2026")]
    assert (events.partitioned, partition.partitioned) == (True, False)
    assert events.indexes == {"events_pkey"}
    assert partition.indexes == {"events_2026_pkey"}
    assert partition.constraints["events_2026_pkey"] == Constraint(ConstraintKind.PRIMARY, ("id", "at"))
    assert schema.tables[("drizzle", "__drizzle_migrations")].indexes == {"__drizzle_migrations_pkey"}


def test_enums_in_sort_order(schema: Schema) -> None:
    assert schema.enums == {("public", "status"): ["draft", "archived", "live"], ("billing", "nothing"): []}


def test_functions_are_the_most_volatile_overload_in_every_schema(schema: Schema) -> None:
    assert schema.functions[("public", "slugify")] is Volatility.IMMUTABLE
    assert schema.functions[("billing", "pick")] is Volatility.STABLE  # IMMUTABLE pick(int), STABLE pick(int, int)
    assert schema.functions[("pg_catalog", "now")] is Volatility.STABLE
    assert schema.functions[("pg_catalog", "gen_random_uuid")] is Volatility.VOLATILE
    assert schema.functions[("pg_catalog", "lower")] is Volatility.IMMUTABLE
    assert schema.functions[("pg_catalog", "random")] is Volatility.VOLATILE
    assert ("public", "nosuch") not in schema.functions


def test_extensions(database_url: str) -> None:
    with connect(database_url) as conn:
        available = {name for (name,) in conn.execute("SELECT name FROM pg_available_extensions")}
        wanted = next((name for name in EXTENSIONS if name in available), None)
        if wanted is None:
            pytest.skip(f"the test server offers none of {', '.join(EXTENSIONS)}")
        conn.execute(f'CREATE EXTENSION "{wanted}"')
        extensions = read_schema(conn).extensions
    assert extensions == {"plpgsql", wanted}  # plpgsql is installed in every database


def test_a_table_locked_by_a_migration_names_the_session(database_url: str) -> None:
    # pg_get_expr (defaults, CHECK texts) takes ACCESS SHARE on the table, so the read waits behind ACCESS EXCLUSIVE.
    with connect(database_url) as conn:
        conn.execute("CREATE TABLE users (id int DEFAULT 1)")
    with connect(database_url, autocommit=False, application_name="migrator") as holder, \
            connect(database_url) as reader:
        holder.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        holder_pid = holder.info.backend_pid
        reader.execute("SET lock_timeout = '100ms'")
        with pytest.raises(ReadTimedOut) as failure:
            read_schema(reader)
        holder.rollback()
        assert read_schema(reader).column(("public", "users"), "id") == Column(type="integer", default="1")
    message = failure.value.one_line()
    assert message.startswith("cannot read the schema: waited lock_timeout = 100ms for a lock, blocked by ")
    assert f"pid {holder_pid} (app migrator" in message


def test_a_broken_connection_is_one_line(database_url: str) -> None:
    conn = connect(database_url)
    conn.close()
    with pytest.raises(NeontuiError) as failure:
        read_schema(conn)
    assert failure.value.one_line() == "cannot read the schema: the connection is closed"
