"""The pending batch at a glance against a real PostgreSQL: each touched table's live size and row estimate, the
strongest lock and what it blocks, rewrite and new, rollback per migration and the last rehearsal, as read."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.actions.batch import Batch, show_batch
from neontui.core.actions.gate import open_gate
from neontui.core.display.batch import batch_header, batch_migration_lines, table_cells, table_lines
from neontui.core.drizzle.project import load_project
from neontui.core.safety import RunMode
from tests.factories import sql_project

B = "--> statement-breakpoint\n"
ROWS = 5000

# What the batch does, statement by statement (the assertions below read these facts back):
CHANGE = (f'ALTER TABLE "orders" ADD COLUMN "total" integer;{B}'  # ACCESS EXCLUSIVE on orders
          f'ALTER TABLE "orders" ALTER COLUMN "id" SET DATA TYPE bigint;{B}'  # …and a rewrite of it
          f'CREATE INDEX "idle_note_idx" ON "idle" ("note");{B}'  # SHARE on idle: writes wait, reads go on
          'CREATE TABLE "audit" ("id" integer PRIMARY KEY, "order_id" bigint REFERENCES "orders"("id"));')
DROP = 'ALTER TABLE "orders" DROP COLUMN "note";'
CONCURRENT = 'CREATE INDEX CONCURRENTLY "orders_total_idx" ON "orders" ("total");'


def seeded(root: Path, url: str) -> Path:
    """`orders` with ROWS rows, vacuumed and analyzed; `idle` never analyzed; three pending migrations."""
    project = sql_project(root, {
        "0000_init": b'CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text);'
                     b'\n--> statement-breakpoint\nCREATE TABLE "idle" ("id" integer, "note" text);',
        "0001_change": CHANGE.encode(), "0002_drop": DROP.encode(), "0003_concurrent": CONCURRENT.encode(),
    }, database_url=url, applied=1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO orders SELECT g, repeat('x', 200) FROM generate_series(1, %s) g", (ROWS,))
        conn.execute("VACUUM ANALYZE orders")  # the visibility and free-space maps exist: the size stays put
    return project


def batch_of(project: Path, url: str) -> Batch:
    gate = open_gate(load_project(project, url=url), mode=RunMode.PLANNED, review=True)
    return show_batch(gate)


def live_size(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_total_relation_size(%s::regclass)", (table,)).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    return seeded(tmp_path / "app", database_url)


def test_each_touched_table_reads_as_its_live_size_rows_lock_and_rewrite(project, database_url):
    batch = batch_of(project, database_url)
    by_name = {t.name: t for t in batch.tables}
    assert sorted(by_name) == ["public.audit", "public.idle", "public.orders"]

    orders = by_name["public.orders"]
    assert orders.exists and orders.size_bytes == live_size(database_url, "orders") and orders.rows == ROWS
    assert (orders.lock, orders.blocks, orders.rewrite, orders.new) == (
        "AccessExclusiveLock", "reads and writes", True, False)
    name, size, rows, lock, blocks, rewrite, new = table_cells(orders)
    assert name == "public.orders"
    assert size.endswith(("kB", "MB")) and rows == "5,000" and lock == "ACCESS EXCLUSIVE"
    assert (blocks, rewrite, new) == ("reads and writes", "yes", "no")

    idle = by_name["public.idle"]  # created empty and never analyzed: PostgreSQL does not know its row count
    assert idle.exists and idle.rows is None and table_cells(idle)[2] == "unknown"
    assert (idle.lock, idle.blocks, idle.rewrite) == ("ShareLock", "writes (reads go on)", False)

    audit = by_name["public.audit"]  # the batch creates it: nothing there yet, nobody waits for it
    assert (audit.exists, audit.created, audit.new, audit.size_bytes, audit.lock) == (False, True, True, None, None)
    assert table_cells(audit)[1:] == ("—", "—", "—", "—", "no", "yes")


def test_migrations_statements_findings_and_rollback_as_listed(project, database_url):
    batch = batch_of(project, database_url)
    assert [m.tag for m in batch.migrations] == ["0001_change", "0002_drop", "0003_concurrent"]
    change, drop, concurrent = batch.migrations
    assert (len(change.statements), change.outside_transaction) == (4, 0)
    assert (len(concurrent.statements), concurrent.outside_transaction) == (1, 1)
    assert batch.statement_count == 6
    assert "change-column-type" in change.rules and "drop-column" in drop.rules
    assert change.rollback == "partial" and any("type change" in why for why in change.irreversible)
    assert drop.rollback == "none" and "destroys data" in drop.irreversible[0]
    assert concurrent.rollback == "full"
    assert batch.findings.get("warning", 0) >= 3 and "error" not in batch.findings  # native plan: CONCURRENTLY runs

    header = batch_header(batch)
    assert header[1].startswith("3 migrations · 6 statements (1 outside a transaction) · findings: ")
    assert header[2] == "last rehearsal: none of this batch"
    lines = batch_migration_lines(batch)
    assert lines[0].startswith("0001_change: 4 statements · findings: ") and lines[0].endswith("rollback: partial")
    assert any(line.startswith("    cannot undo: DROP COLUMN") for line in lines)


def test_the_last_rehearsal_of_this_batch_is_shown(project, database_url):
    gate = open_gate(load_project(project, url=database_url), review=True)
    evidence = {"where": "database neontui_copy", "at": "2026-12-01T15:02:11Z", "result": "ok"}
    gate.checklist.record_rehearsal(evidence, ok=True)
    assert gate.save()
    batch = batch_of(project, database_url)
    assert batch.rehearsal is not None and batch.rehearsal["ok"] is True
    assert batch_header(batch)[2] == ("last rehearsal: passed: rehearsed on database neontui_copy at "
                                      "2026-12-01T15:02:11Z: ok")


def test_a_narrow_layout_cuts_nothing(project, database_url):
    batch = batch_of(project, database_url)
    for width in (40, 60, 76, 118):
        lines = [line for line, _ in table_lines(batch.tables, width)]
        text = "\n".join(lines)
        assert all(len(line) <= width for line in lines), text
        words = " ".join(text.split())  # a wrapped cell reads on across its lines
        for table in batch.tables:
            assert all(cell in words for cell in table_cells(table)), text


def test_nothing_pending_reads_no_table(tmp_path, database_url):
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "t" ("id" integer);'},
                          database_url=database_url, applied=1)
    batch = batch_of(project, database_url)
    assert (batch.migrations, batch.tables, batch.statement_count) == ((), (), 0)
