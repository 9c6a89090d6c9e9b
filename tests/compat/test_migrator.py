"""neontui's migrator leaves the database exactly as `drizzle-kit migrate` does, and the two can be mixed."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import read_journal
from neontui.core.drizzle.ledger import DEFAULT_SCHEMA, DEFAULT_TABLE
from neontui.core.migrate.migrator import MigrationFailed, run
from tests.drizzle_env import run_drizzle_kit

pytestmark = pytest.mark.drizzle

SCHEMA_QUERY = """
select table_schema, table_name, column_name, data_type, is_nullable, column_default
from information_schema.columns where table_schema in ('public', 'drizzle') order by 1, 2, 3
"""


def snapshot(url: str) -> tuple[list, list, list]:
    with psycopg.connect(url) as conn:
        ledger = conn.execute("select hash, created_at from drizzle.__drizzle_migrations order by id").fetchall()
        columns = conn.execute(SCHEMA_QUERY).fetchall()
        indexes = conn.execute("select indexname, indexdef from pg_indexes where schemaname = 'public' "
                               "order by 1").fetchall()
    return ledger, columns, indexes


def neontui_apply(project: Path, url: str, limit: int | None = None) -> list[str]:
    with connect(url) as conn:
        return run(conn, read_journal(project / "drizzle"), DEFAULT_SCHEMA, DEFAULT_TABLE, limit=limit).applied


def test_same_ledger_and_schema_as_drizzle(drizzle_project, make_database):
    ours, theirs = make_database(), make_database()
    assert len(neontui_apply(drizzle_project, ours)) == 5
    assert run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": theirs}).returncode == 0
    assert snapshot(ours) == snapshot(theirs)
    assert len(snapshot(ours)[0]) == 5


def test_mixing_neontui_then_drizzle(drizzle_project, database_url):
    assert neontui_apply(drizzle_project, database_url, limit=2) == ["0000_init", "0001_add_created_at"]
    assert run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": database_url}).returncode == 0
    assert neontui_apply(drizzle_project, database_url) == []  # drizzle applied the other three
    assert len(snapshot(database_url)[0]) == 5


def test_failure_rolls_back_the_whole_batch(drizzle_project, database_url):
    last = drizzle_project / "drizzle" / "0004_rename_email.sql"
    last.write_text(last.read_text() + "--> statement-breakpoint\nSELECT * FROM no_such_table;")
    with pytest.raises(MigrationFailed) as failure:
        neontui_apply(drizzle_project, database_url)
    assert failure.value.tag == "0004_rename_email" and failure.value.statement == 1
    assert failure.value.sqlstate == "42P01"
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select count(*) from drizzle.__drizzle_migrations").fetchone()[0] == 0
        assert conn.execute("select to_regclass('users')").fetchone()[0] is None
