"""`neontui batch` as a user runs it against a real PostgreSQL: the text and the JSON, the exit codes, and one line
(no traceback, no password) when the database cannot be reached or a touched table is locked."""

from __future__ import annotations

import json

import psycopg

from tests.db.test_batch import ROWS, seeded
from tests.factories import sql_project
from tests.helpers import SECRET, assert_one_line_error, neontui, secret_url


def test_text_shows_the_batch_tables_and_migrations(tmp_path, database_url):
    project = seeded(tmp_path / "app", database_url)
    result = neontui("batch", str(project), url=secret_url(database_url), state=tmp_path / "state")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[1].startswith("3 migrations · 6 statements (1 outside a transaction) · findings: ")
    assert lines[2] == "last rehearsal: none of this batch"
    orders = next(line for line in lines if line.strip().startswith("public.orders"))
    assert f"{ROWS:,}" in orders and "ACCESS EXCLUSIVE" in orders and "reads and writes" in orders
    assert orders.split()[-2:] == ["yes", "no"]  # rewritten, not new
    audit = next(line for line in lines if line.strip().startswith("public.audit"))
    assert audit.split()[-2:] == ["no", "yes"]  # created by the batch
    idle = next(line for line in lines if line.strip().startswith("public.idle"))
    assert "unknown" in idle and "SHARE" in idle and "writes (reads go on)" in idle
    assert any(line.strip().startswith("0002_drop: 1 statement") and line.endswith("rollback: none") for line in lines)
    # each statement under its migration, with the locks it takes (the new table's REFERENCES locks orders too)
    assert '      #3 line 4 · SHARE ROW EXCLUSIVE on orders · CREATE TABLE "audit" ("id" integer PRIMARY KEY, ' \
           '"order_id" bigint REFERENCES "orders"("id"));' in lines
    assert any(line.startswith("      #0 line 1 · SHARE UPDATE EXCLUSIVE on orders · outside a transaction · CREATE "
                               "INDEX CONCURRENTLY") for line in lines)
    assert SECRET not in out + result.stderr and result.stderr == ""


def test_json_has_every_fact_in_machine_units(tmp_path, database_url):
    project = seeded(tmp_path / "app", database_url)
    result = neontui("batch", str(project), "--json", url=secret_url(database_url), state=tmp_path / "state")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["migration_count"], doc["statement_count"], doc["exit_code"]) == (3, 6, 0)
    tables = {t["table"]: t for t in doc["tables"]}
    orders = tables["orders"]
    with psycopg.connect(database_url) as conn:
        size = conn.execute("SELECT pg_total_relation_size('orders')").fetchone()
    assert size is not None and orders["size_bytes"] == size[0] and orders["rows_estimate"] == ROWS
    assert (orders["lock"], orders["blocks"], orders["rewrite"], orders["new"]) == (
        "AccessExclusiveLock", "reads and writes", True, False)
    assert tables["idle"]["rows_estimate"] is None and tables["audit"]["new"] is True
    rollback = {m["tag"]: m["rollback"] for m in doc["migrations"]}
    assert rollback == {"0001_change": "partial", "0002_drop": "none", "0003_concurrent": "full"}
    assert doc["rehearsal"] is None and SECRET not in result.stdout


def test_nothing_pending_exits_0(tmp_path, database_url):
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "t" ("id" integer);'},
                          database_url=database_url, applied=1)
    result = neontui("batch", str(project), url=database_url, state=tmp_path / "state")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "nothing pending"
    doc = json.loads(neontui("batch", str(project), "--json", url=database_url, state=tmp_path / "state").stdout)
    assert (doc["migrations"], doc["tables"], doc["exit_code"]) == ([], [], 0)


def test_an_unreachable_database_is_one_line_and_exit_3(tmp_path):
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "t" ("id" integer);'})
    url = f"postgresql://neontui:{SECRET}@127.0.0.1:1/nowhere"
    result = neontui("batch", str(project), url=url, state=tmp_path / "state",
                     env={"NEONTUI_CONNECT_TIMEOUT": "3"})
    assert_one_line_error(result, 3, "127.0.0.1:1")


def test_a_locked_table_is_one_line_naming_the_holder_and_exit_5(tmp_path, database_url):
    project = seeded(tmp_path / "app", database_url)
    with psycopg.connect(database_url) as holder:  # another session's migration, mid-flight
        holder.execute("SET application_name = 'long migration'")
        holder.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
        result = neontui("batch", str(project), url=secret_url(database_url), state=tmp_path / "state")
        holder.rollback()
    assert_one_line_error(result, 5, "read the tables' sizes")
    assert "long migration" in result.stderr and "AccessExclusiveLock on public.orders" in result.stderr
