"""`neontui rehearse` on plain PostgreSQL, as a user runs it: the pending batch applied to a real copy of the target,
reported statement by statement, the copy removed, the target untouched, and the result on the checklist."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, neontui, secret_url

B = "--> statement-breakpoint\n"


def schema_of(url: str) -> list[tuple[str, str, str, str]]:
    """Every user column and index on the server: what 'the target's schema' means to a user."""
    with psycopg.connect(url) as conn:
        columns = conn.execute("SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns"
                               " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                               " ORDER BY 1, 2, ordinal_position").fetchall()
        indexes = conn.execute("SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes"
                               " WHERE schemaname NOT IN ('pg_catalog') ORDER BY 1, 2, 3").fetchall()
    return [*columns, *indexes]


def copies_left(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'neontui-rehearsal-%'")]


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Path:
    """`users` (with 2,000 rows) applied; pending: a column type change that rewrites the table, a concurrent
    index and a new table."""
    root = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer, "name" text);',
        "0001_widen": f'ALTER TABLE "users" ALTER COLUMN "id" TYPE bigint;{B}UPDATE "users" SET "name" = upper("name");'
                      .encode(),
        "0002_index": b'CREATE INDEX CONCURRENTLY "users_name" ON "users" ("name");',
        "0003_orders": b'CREATE TABLE "orders" ("id" bigint, "user_id" bigint);',
    }, database_url=database_url, applied=1)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 2000) g")
    return root


def rehearse(app: Path, url: str, state: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = neontui("rehearse", str(app), "--json", *extra, url=url, state=state)
    return result, json.loads(result.stdout)


def test_rehearsal_reports_each_statement_from_a_real_copy_and_leaves_the_target_untouched(
        app: Path, database_url: str, tmp_path: Path, matching_pg_dump: Path) -> None:
    url = secret_url(database_url)
    ledger, schema = ledger_rows(database_url), schema_of(database_url)
    result, doc = rehearse(app, url, tmp_path)
    assert result.returncode == 0, result.stderr
    report = doc["rehearsal"]
    assert report["ok"] and report["applied"] == ["0001_widen", "0002_index", "0003_orders"]
    assert report["copy"]["kind"] == "template" and report["copy"]["name"].startswith("neontui-rehearsal-")
    by_sql = {s["sql"].split(" ")[0] + " " + s["tag"]: s for s in report["statements"]}
    widen, update = by_sql["ALTER 0001_widen"], by_sql["UPDATE 0001_widen"]
    assert '"public"."users"' in widen["rewritten"] and widen["transactional"]
    assert {"relation": "users", "mode": "AccessExclusiveLock"} in [
        {k: v for k, v in lock.items() if k != "held_s"} for lock in widen["locks"]]
    # Held until the transaction commits: at least as long as the statement itself took.
    assert all(lock["held_s"] >= widen["elapsed_s"] for lock in widen["locks"])
    assert update["rows"] == 2000
    index = by_sql["CREATE 0002_index"]
    assert not index["transactional"] and index["locks_sampled"] and index["elapsed_s"] is not None
    diff = report["diff"]
    assert not diff["empty"] and {"kind": "TABLE", "schema": "public", "name": "orders", "change": "added"} in diff[
        "changes"]
    assert {"kind": "INDEX", "schema": "public", "name": "users_name", "change": "added"} in diff["changes"]
    assert report["removed"] and copies_left(database_url) == []
    assert ledger_rows(database_url) == ledger and schema_of(database_url) == schema
    assert SECRET not in result.stdout + result.stderr


def test_a_successful_rehearsal_checks_tested_with_evidence_and_is_audited(app: Path, database_url: str,
                                                                           tmp_path: Path) -> None:
    url = secret_url(database_url)
    assert rehearse(app, url, tmp_path)[0].returncode == 0
    shown = json.loads(neontui("checklist", str(app), "--json", url=url, state=tmp_path).stdout)
    tested = next(i for i in shown["items"] if i["id"] == "tested-in-development")
    assert tested["checked"] and tested["evidence"]["result"] == "ok"
    assert tested["evidence"]["migrations"] == ["0001_widen", "0002_index", "0003_orders"]
    assert "neontui-rehearsal-" in tested["evidence"]["where"]
    text = neontui("checklist", str(app), url=url, state=tmp_path).stdout
    assert "rehearsed on database \"neontui-rehearsal-" in text
    records = json.loads(neontui("audit", str(app), "--json", url=url, state=tmp_path).stdout)["records"]
    assert [(r["action"], r["result"]) for r in records] == [("rehearse", "ok")]
    for path in [*tmp_path.rglob("*.json"), *(app / ".neontui").rglob("*")]:
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), path


def test_a_failing_statement_is_located_the_copy_removed_and_production_locked(tmp_path: Path,
                                                                                database_url: str) -> None:
    app = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer);',
        "0001_bad": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "users" ADD COLUMN "id" text;'
                    .encode(),
    }, database_url=database_url, applied=1)
    (app / "neontui.toml").write_text('default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\n'
                                      'production = true\n')
    url = secret_url(database_url)
    ledger = ledger_rows(database_url)
    result, doc = rehearse(app, url, tmp_path)
    assert result.returncode == 4, result.stderr
    report = doc["rehearsal"]
    assert not report["ok"] and report["applied"] == []
    assert report["error"]["tag"] == "0001_bad" and report["error"]["statement"] == 1
    assert "already exists" in report["error"]["message"]
    assert [s["failed"] for s in report["statements"]] == [False, True]
    assert copies_left(database_url) == [] and ledger_rows(database_url) == ledger
    # The production gate now refuses with the rehearsal's reason, even with every item checked by hand.
    shown = json.loads(neontui("checklist", str(app), "--json", url=url, state=tmp_path).stdout)
    items = [a for i in shown["items"] if i["can_check"] for a in ("--check", i["id"])]
    neontui("checklist", str(app), *items, url=url, state=tmp_path)
    refused = neontui("migrate", str(app), "--json", "--confirm", parse_db(database_url), url=url, state=tmp_path)
    assert refused.returncode == 1
    assert "rehearsal-failed" in json.loads(refused.stdout)["codes"]
    assert ledger_rows(database_url) == ledger


def parse_db(url: str) -> str:
    from neontui.core.db.url import parse_url

    return parse_url(url).dbname or ""


def test_a_fixed_batch_rehearsed_again_unlocks_the_gate(tmp_path: Path, database_url: str) -> None:
    """The failure belongs to the pending set: the same set rehearsed successfully (here the object in the way was
    dropped on the target) lifts it."""
    app = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer);',
        "0001_orders": b'CREATE TABLE "orders" ("id" integer);',
    }, database_url=database_url, applied=1)
    (app / "neontui.toml").write_text('default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\n'
                                      'production = true\n')
    url = secret_url(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute('CREATE TABLE "orders" ("id" integer)')  # drift: someone made it by hand
    assert rehearse(app, url, tmp_path)[0].returncode == 4
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute('DROP TABLE "orders"')
    assert rehearse(app, url, tmp_path)[0].returncode == 0
    shown = json.loads(neontui("checklist", str(app), "--json", url=url, state=tmp_path).stdout)
    assert "rehearsal-failed" not in shown["actions"]["migrate"]["codes"]
    assert next(i for i in shown["items"] if i["id"] == "tested-in-development")["checked"]


def test_a_busy_target_is_rehearsed_on_a_dump_and_restore_copy(app: Path, database_url: str, tmp_path: Path,
                                                               matching_pg_dump: Path) -> None:
    url = secret_url(database_url)
    with psycopg.connect(database_url, application_name="the app"):
        result, doc = rehearse(app, url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert doc["rehearsal"]["copy"]["kind"] == "dump-restore"
    assert "other session" in doc["rehearsal"]["copy"]["why"]
    assert doc["rehearsal"]["applied"] == ["0001_widen", "0002_index", "0003_orders"]
    assert copies_left(database_url) == []


def test_keep_leaves_the_copy_with_the_batch_applied(app: Path, database_url: str, tmp_path: Path) -> None:
    result, doc = rehearse(app, secret_url(database_url), tmp_path, "--keep")
    assert result.returncode == 0, result.stderr
    name = doc["rehearsal"]["copy"]["name"]
    try:
        assert copies_left(database_url) == [name] and not doc["rehearsal"]["removed"]
        from neontui.core.db.url import with_database

        assert len(ledger_rows(with_database(database_url, name))) == 4
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_text_output_names_every_statement_and_nothing_pending_is_a_no_op(app: Path, database_url: str,
                                                                          tmp_path: Path,
                                                                          matching_pg_dump: Path) -> None:
    url = secret_url(database_url)
    result = neontui("rehearse", str(app), url=url, state=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "REWRITES \"public\".\"users\"" in out and "AccessExclusiveLock on users held" in out
    assert "0002_index #0" in out and "outside a transaction" in out
    assert "the copy was removed; the target was not changed" in out and "2000 row(s)" in out
    assert "schema change (target → copy): 2 added" in out and '+CREATE TABLE public.orders (' in out
    assert neontui("migrate", str(app), url=url, state=tmp_path).returncode == 0
    again = neontui("rehearse", str(app), url=url, state=tmp_path)
    assert again.returncode == 0 and again.stdout.strip() == "nothing pending: nothing to rehearse"
