"""Reading the ledger from a real PostgreSQL: absent, drizzle 0.x, custom names and the drizzle 1.0 columns."""

from __future__ import annotations

import psycopg

from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import drizzle_hash, read_journal
from neontui.core.drizzle.ledger import read_ledger
from neontui.core.drizzle.status import compute_status
from neontui.core.migrate.migrator import ensure_ledger, run
from tests.factories import entry, make_folder


def test_absent_schema_or_table_is_a_fresh_database(database_url):
    with connect(database_url) as conn:
        ledger = read_ledger(conn)
        assert (ledger.exists, ledger.rows, ledger.latest) == (False, (), None)
        conn.execute("create schema drizzle")
        assert read_ledger(conn).exists is False


def test_drizzle_0x_table_with_custom_names_and_null_created_at(database_url):
    with connect(database_url) as conn:
        ensure_ledger(conn, "Ops", "My Migrations")
        conn.execute('insert into "Ops"."My Migrations" (hash, created_at) '
                     "values ('a', 5), ('b', null), ('c', 9)")
        ledger = read_ledger(conn, "Ops", "My Migrations")
    assert ledger.qualified_name == '"Ops"."My Migrations"'
    assert ledger.columns == ("id", "hash", "created_at") and not ledger.is_v1
    assert [(r.hash, r.created_at) for r in ledger.rows] == [("a", 5), ("b", None), ("c", 9)]
    assert ledger.latest.hash == "b"  # PostgreSQL puts NULL first under DESC, as drizzle's query sees it


def test_drizzle_1_0_columns_are_detected_and_a_journal_run_writes_no_name(database_url, tmp_path):
    # drizzle-orm 0.45 (which a journal means) inserts only hash and created_at, whatever columns the table has.
    sql = {"0000_a": b"CREATE TABLE a (id int);", "0001_b": b"CREATE TABLE b (id int);"}
    journal = read_journal(make_folder(tmp_path, [entry(0, "0000_a", 1000), entry(1, "0001_b", 2000)], sql))
    with connect(database_url) as conn:
        ensure_ledger(conn, "drizzle", "__drizzle_migrations")
        conn.execute("alter table drizzle.__drizzle_migrations add column name text, "
                     "add column applied_at timestamptz default now()")
        conn.execute("insert into drizzle.__drizzle_migrations (hash, created_at, name) values (%s, 1000, '0000_a')",
                     (drizzle_hash(sql["0000_a"]),))
        before = read_ledger(conn)
        assert before.is_v1 and before.rows[0].name == "0000_a" and before.rows[0].applied_at is not None
        assert compute_status(journal, before).would_run_next == ["0001_b"]
        assert run(conn, journal, "drizzle", "__drizzle_migrations").applied == ["0001_b"]
        after = read_ledger(conn)
    assert [(r.name, r.created_at) for r in after.rows] == [("0000_a", 1000), (None, 2000)]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('b')").fetchone()[0] == "b"
