"""The locks the batch view predicts from a statement's text are the ones PostgreSQL takes: each statement runs in a
transaction on a real server and the locks this session then holds on the existing tables (pg_locks, the
observer's own query) are compared with the prediction."""

from __future__ import annotations

import threading

import psycopg
import pytest

from neontui.core.db.lock_modes import blocks, conflicts, strongest_mode
from neontui.core.db.schema_info import foreign_keys
from neontui.core.sql.locks import predicted_locks
from neontui.core.sql.statements import touched_tables

SCHEMA = """
CREATE TABLE parent (id integer PRIMARY KEY, note text, n integer);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer, note varchar(10));
CREATE TABLE other (id integer PRIMARY KEY);
CREATE TABLE measures (id integer, at date) PARTITION BY RANGE (at);
CREATE TABLE measures_2024 (id integer, at date);
CREATE TABLE measures_2023 PARTITION OF measures FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM parent;
CREATE UNIQUE INDEX counts_n ON counts (n);
CREATE SCHEMA app;
CREATE TABLE app.events (id integer);
ALTER TABLE child ADD CONSTRAINT child_note_chk CHECK (note <> '') NOT VALID;
CREATE TABLE ref_owner (id integer PRIMARY KEY);
CREATE TABLE ref_user (id integer PRIMARY KEY, owner_id integer CONSTRAINT ref_user_owner_fk REFERENCES ref_owner);
"""

CASES = [
    'ALTER TABLE "parent" ADD COLUMN "flag" boolean DEFAULT false',
    'ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)',
    'ALTER TABLE child ADD COLUMN other_id integer REFERENCES other (id)',
    'ALTER TABLE child VALIDATE CONSTRAINT child_note_chk',
    'ALTER TABLE parent ALTER COLUMN note SET STATISTICS 200',
    'ALTER TABLE parent SET (fillfactor = 70)',
    'ALTER TABLE child ALTER COLUMN note TYPE text',
    "ALTER TABLE measures ATTACH PARTITION measures_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    'CREATE INDEX parent_n ON parent (n)',
    'CREATE TABLE fresh (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id))',
    "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    'DROP TABLE other',
    'TRUNCATE child, other',
    'ALTER TABLE parent RENAME COLUMN note TO body',
    'ALTER TABLE child RENAME TO kid',
    "UPDATE parent SET note = 'x' WHERE id IN (SELECT parent_id FROM child)",
    'INSERT INTO other (id) SELECT id FROM parent',
    'DELETE FROM child',
    'CREATE VIEW parent_notes AS SELECT note FROM parent',
    'CREATE TABLE copied AS SELECT * FROM parent',
    "CREATE FUNCTION t() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; "
    'CREATE TRIGGER parent_t BEFORE INSERT ON parent FOR EACH ROW EXECUTE FUNCTION t()',
    "COMMENT ON COLUMN parent.note IS 'what the user wrote'",
    'LOCK TABLE other IN SHARE MODE',
    'REFRESH MATERIALIZED VIEW counts',
    'REINDEX TABLE parent',
    'ALTER TABLE app.events ADD COLUMN at timestamptz',
    'ANALYZE parent',
    'ALTER TABLE child DROP COLUMN note',
    'ALTER TABLE other ALTER COLUMN id SET NOT NULL',
    'ALTER TABLE child ADD CONSTRAINT child_uq UNIQUE (parent_id)',
    'ALTER TABLE parent ENABLE ROW LEVEL SECURITY',
    "CREATE POLICY mine ON parent USING (note = current_user)",
    'ALTER TABLE parent DISABLE TRIGGER ALL',
    'ALTER INDEX parent_pkey RENAME TO parent_key',
    'ALTER TABLE measures DETACH PARTITION measures_2023',
    'CREATE TABLE heir (extra text) INHERITS (parent)',
    'SELECT * FROM parent',
    'ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID',
    'DROP VIEW IF EXISTS missing_view; DROP MATERIALIZED VIEW counts',
    'WITH moved AS (DELETE FROM child RETURNING id) INSERT INTO other (id) SELECT id FROM moved',
]


def observed(conn: psycopg.Connection, sql: str) -> tuple[dict[str, str], set[str]]:
    """The strongest lock per table the statement names after `sql`, by the names the tables had before it (a DROP or
    RENAME hides them from regclass afterwards; the sequences, indexes and relations it creates are left out), and
    the tables that existed before it."""
    names = {oid: name for oid, name in conn.execute(
        "select c.oid, c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('r', 'p', 'm', 'v', 'f') and n.nspname not in ('pg_catalog', 'information_schema')")}
    named = {name if schema == "public" else f"{schema}.{name}" for schema, name in touched_tables([sql])}
    named |= {lock.name for lock in predicted_locks(sql)}  # a COMMENT names its table in a list, not a RangeVar
    named.add("ref_owner")  # named by no statement: dropping a foreign key to it locks it
    conn.execute(sql)
    held: dict[str, list[str]] = {}
    for oid, mode in conn.execute("select relation, mode from pg_locks where pid = pg_backend_pid() "
                                  "and locktype = 'relation' and granted"):
        if names.get(oid) in named:
            held.setdefault(names[oid], []).append(mode)
    return {name: str(strongest_mode(modes)) for name, modes in held.items()}, set(names.values())


@pytest.mark.parametrize("sql", CASES)
def test_predicted_locks_are_the_ones_postgresql_takes(database_url: str, sql: str) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute(SCHEMA)
        conn.commit()
        seen, existing = observed(conn, sql)
        conn.rollback()
    predicted = {lock.name: lock.mode for lock in predicted_locks(sql) if lock.name in existing}
    assert predicted == seen


@pytest.mark.parametrize("sql", ["ALTER TABLE ref_user DROP CONSTRAINT ref_user_owner_fk", "DROP TABLE ref_user"])
def test_dropping_a_foreign_key_locks_the_table_it_references_with_the_live_catalog(database_url: str,
                                                                                    sql: str) -> None:
    """The SQL does not name ref_owner, yet its triggers go: ACCESS EXCLUSIVE, known from pg_constraint."""
    with psycopg.connect(database_url) as conn:
        conn.execute(SCHEMA)
        conn.commit()
        keys = foreign_keys(conn, [("public", "ref_user")])
        seen, existing = observed(conn, sql)
        conn.rollback()
    assert keys == {("public", "ref_user"): {"ref_user_owner_fk": ("public", "ref_owner")}}
    predicted = {lock.name: lock.mode for lock in predicted_locks(sql, foreign_keys=keys) if lock.name in existing}
    assert predicted == seen == {"ref_user": "AccessExclusiveLock", "ref_owner": "AccessExclusiveLock"}
    assert "ref_owner" not in {lock.name for lock in predicted_locks(sql)}  # offline, the text alone cannot know


@pytest.mark.parametrize("sql", ["ANALYZE parent", "VACUUM parent", "VACUUM (FULL) parent",
                                 "VACUUM (FULL FALSE) parent", "CREATE INDEX CONCURRENTLY parent_n ON parent (n)",
                                 "REINDEX TABLE CONCURRENTLY parent",
                                 "ALTER TABLE measures DETACH PARTITION measures_2023 CONCURRENTLY",
                                 "REFRESH MATERIALIZED VIEW CONCURRENTLY counts"])
def test_predicted_locks_outside_a_transaction_match_a_second_sessions_view(database_url: str, sql: str) -> None:
    """Statements that cannot run in a transaction: their locks are sampled from another session while they hold them
    (a SHARE UPDATE EXCLUSIVE lock held by the first session makes each one wait, so its lock request is visible in
    pg_locks; the ACCESS SHARE they take first to look the table up does not wait for it)."""
    with psycopg.connect(database_url, autocommit=True) as setup:
        setup.execute(SCHEMA)
    predicted = {lock.name: lock.mode for lock in predicted_locks(sql)}
    table = next(iter(predicted))
    with psycopg.connect(database_url) as holder, psycopg.connect(database_url, autocommit=True) as runner, \
            psycopg.connect(database_url, autocommit=True) as watcher:
        kind, column = ("MATERIALIZED VIEW", "n") if table == "counts" else ("TABLE", "id")
        holder.execute(f"ALTER {kind} {table} ALTER COLUMN {column} SET STATISTICS 100")
        pid = runner.info.backend_pid
        thread = threading.Thread(target=runner.execute, args=(sql,))
        thread.start()
        wanted: list[tuple[str, str]] = []
        for _ in range(500):
            wanted = watcher.execute("select relation::regclass::text, mode from pg_locks "
                                     "where pid = %s and not granted", (pid,)).fetchall()
            if wanted:
                break
            watcher.execute("select pg_sleep(0.01)")
        holder.rollback()
        thread.join(timeout=30)
    assert dict(wanted) == {table: predicted[table]}  # the first table it waits for (a DETACH names two)


def test_what_each_mode_blocks_reads_like_the_conflict_table() -> None:
    assert blocks("AccessExclusiveLock") == "reads and writes"
    assert blocks("ShareLock").startswith("writes")
    assert conflicts("ShareLock", "RowExclusiveLock") and not conflicts("ShareLock", "AccessShareLock")
    assert conflicts("ShareUpdateExclusiveLock", "ShareUpdateExclusiveLock")
    assert not conflicts("ShareUpdateExclusiveLock", "RowExclusiveLock")
    assert strongest_mode(["RowExclusiveLock", "ShareLock", "AccessShareLock"]) == "ShareLock"
    attach = "ALTER TABLE m ATTACH PARTITION m1 FOR VALUES IN (1)"
    assert [lock.mode for lock in predicted_locks(attach, 110000)] == ["AccessExclusiveLock", "AccessExclusiveLock"]
    with_query = "WITH moved AS (DELETE FROM child RETURNING id) INSERT INTO other (id) SELECT id FROM moved"
    assert {lock.name for lock in predicted_locks(with_query)} == {"child", "other"}  # "moved" is no table
    assert touched_tables([with_query]) == {("public", "child"), ("public", "other")}
    assert touched_tables(["WITH t AS (SELECT 1) SELECT * FROM app.t"]) == {("app", "t")}  # qualified: a table
    assert predicted_locks("SELECT FROM") == [] and predicted_locks("CREATE TABLE t (id int)") == []
