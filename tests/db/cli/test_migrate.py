"""`neontui migrate` and `neontui audit` as a user runs them, against a real PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from neontui.core.db.url import parse_url
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import journal_data
from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, neontui, secret_url, server_major, wait_until

B = "--> statement-breakpoint\n"
SEED = ("reviewed", "no-destructive-without-backup", "backwards-compatible", "tested-in-development", "backup-taken")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "legacy" text);',
        "0001_more": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "users" DROP COLUMN "legacy";'
                     .encode()})


def test_development_migrate_applies_reports_and_audits_without_secrets(app, database_url, tmp_path):
    url = secret_url(database_url)
    result = neontui("migrate", str(app), "--json", url=url, state=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["applied"] == ["0000_init", "0001_more"] and doc["exit_code"] == 0
    assert doc["restore_point"]["lsn"].count("/") == 1
    assert [s["ledger_rows"] for s in doc["report"]["plan"]] == [["0000_init", "0001_more"]]
    assert len(ledger_rows(database_url)) == 2
    again = neontui("migrate", str(app), url=url, state=tmp_path)
    assert again.returncode == 0 and again.stdout.strip() == "nothing pending"
    audit = neontui("audit", str(app), "--json", url=url, state=tmp_path)
    records = json.loads(audit.stdout)["records"]
    assert [(r["action"], r["result"]) for r in records] == [("migrate", "ok")]
    assert records[0]["migrations"][0]["tag"] == "0000_init" and records[0]["restore_point"] is not None
    text = (app / ".neontui" / "audit.jsonl").read_text()
    for output in (result.stdout, result.stderr, again.stdout, audit.stdout, text):
        assert SECRET not in output


def test_failure_names_statement_and_line_and_exits_4(app, database_url, tmp_path):
    (app / "drizzle" / "0001_more.sql").write_text(f'ALTER TABLE "users" ADD COLUMN "email" text;{B}'
                                                    'ALTER TABLE "users" DROP COLUMN "nope";')
    result = neontui("migrate", str(app), url=database_url, state=tmp_path)
    assert result.returncode == 4
    assert result.stderr.strip().splitlines()[-1] == (
        'neontui: error: 0001_more statement 1 (line 2, column 1) failed: column "nope" of relation "users" does '
        "not exist [SQLSTATE 42703]; the transaction was rolled back")
    assert ledger_rows(database_url) == []


def test_dry_run_changes_nothing(app, database_url, tmp_path):
    result = neontui("migrate", str(app), "--dry-run", url=database_url, state=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dry run (rolled back; it took real locks with lock_timeout 2s)" in result.stdout
    assert "AccessExclusiveLock on users" in result.stdout
    assert ledger_rows(database_url) == []


def test_production_needs_the_checklist_and_the_typed_name(tmp_path, database_url, matching_pg_dump):
    app = sql_project(tmp_path / "prod", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "legacy" text);',
        "0001_more": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}ALTER TABLE "users" DROP COLUMN "legacy";'
                     .encode()}, database_url=database_url, applied=1)
    refused = neontui("migrate", str(app), "--env", "production", "--yes", url=database_url, state=tmp_path)
    assert refused.returncode == 1 and "migrate refused:" in refused.stdout and len(ledger_rows(database_url)) == 1
    checks = [a for item in (*SEED, "ack-data-loss") for a in ("--check", item)]
    done = neontui("checklist", str(app), "--env", "production", *checks, url=database_url, state=tmp_path)
    assert done.returncode == 0, done.stdout
    database = parse_url(database_url).dbname
    wrong = neontui("migrate", str(app), "--env", "production", "--confirm", "prod", url=database_url, state=tmp_path)
    assert wrong.returncode == 1 and f"does not match the database name '{database}'" in wrong.stdout
    ok = neontui("migrate", str(app), "--env", "production", "--confirm", database, url=database_url, state=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert len(ledger_rows(database_url)) == 2
    # production takes a schema-only pg_dump (here one that matches the server), before the first statement
    backup = Path(ok.stderr.split("schema-only backup: ", 1)[1].splitlines()[0])
    assert backup.parent == app / ".neontui" / "backups" and backup.name.endswith(f"-{database}-schema.sql")
    dumped = backup.read_text()
    assert 'CREATE TABLE public.users' in dumped and "legacy text" in dumped and "email" not in dumped
    log = [json.loads(line) for line in (app / ".neontui" / "audit.jsonl").read_text().splitlines()]
    assert log[-1]["details"]["schema_backup"] == str(backup)
    assert [(r["result"], r["environment"]["production"]) for r in log] == [
        ("refused", True), ("refused", True), ("ok", True)]
    assert {c["id"] for c in log[-1]["checklist"]["checked"]} >= set(SEED)


def test_a_pg_dump_older_than_the_server_gives_a_warning_naming_both_and_the_apply_goes_on(tmp_path, database_url):
    """The schema-only backup is an extra (the restore point stands): an old local pg_dump is named, with the
    version needed and what to install, and the run continues."""
    system = Path("/usr/lib/postgresql/15/bin")
    if not (system / "pg_dump").is_file() or server_major(database_url) <= 15:
        pytest.skip("needs a local pg_dump older than the test server")
    app = sql_project(tmp_path / "prod", {"0000_init": b'CREATE TABLE "users" ("id" integer);'})
    checks = [a for item in SEED for a in ("--check", item)]
    env = {"PATH": f"{system}{os.pathsep}{os.environ['PATH']}"}
    neontui("checklist", str(app), "--env", "production", *checks, url=database_url, state=tmp_path, env=env)
    database = parse_url(database_url).dbname or ""
    ok = neontui("migrate", str(app), "--env", "production", "--confirm", database, url=database_url,
                 state=tmp_path, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    warning = next(line for line in ok.stderr.splitlines() if line.startswith("warning: no schema backup: "))
    assert "pg_dump 15." in warning and f"needs pg_dump {server_major(database_url)} or newer" in warning
    assert len(ledger_rows(database_url)) == 1


def test_killing_the_process_mid_run_leaves_nothing_partial(app, database_url, tmp_path):
    (app / "drizzle" / "0001_more.sql").write_text(f'ALTER TABLE "users" ADD COLUMN "email" text;{B}'
                                                    "SELECT pg_sleep(3);")
    env = {**os.environ, "DATABASE_URL": database_url, "XDG_STATE_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "neontui", "migrate", str(app)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    with psycopg.connect(database_url, autocommit=True) as watcher:
        def sessions(where: str) -> int:
            return watcher.execute(f"select count(*) from pg_stat_activity where {where}").fetchone()[0]

        wait_until(lambda: sessions("query like '%pg_sleep(3)%' and state = 'active' and pid <> pg_backend_pid()"),
                   30, "the run to reach the sleep")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        wait_until(lambda: not sessions("application_name = 'neontui migrate'"), 30, "the orphaned session to end")
    assert ledger_rows(database_url) == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('users')").fetchone()[0] is None
    rerun = neontui("migrate", str(app), url=database_url, state=tmp_path)
    assert rerun.returncode == 0 and len(ledger_rows(database_url)) == 2  # the lock died with the session


@pytest.mark.drizzle
def test_neontui_then_drizzle_kit_applies_nothing_and_twins_are_equal(drizzle_project, make_database, tmp_path):
    ours, twin = make_database(), make_database()
    assert neontui("migrate", str(drizzle_project), url=ours, state=tmp_path).returncode == 0
    before = ledger_rows(ours)
    assert run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": ours}).returncode == 0
    assert ledger_rows(ours) == before and len(before) == 5
    assert run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": twin}).returncode == 0
    assert ledger_rows(twin) == before


@pytest.mark.drizzle
def test_drizzle_kit_then_neontui_applies_the_rest(drizzle_project, database_url, tmp_path):
    full = journal_data(drizzle_project)
    (drizzle_project / "drizzle" / "meta" / "_journal.json").write_text(
        json.dumps({**full, "entries": full["entries"][:3]}, indent=2))
    assert run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": database_url}).returncode == 0
    (drizzle_project / "drizzle" / "meta" / "_journal.json").write_text(json.dumps(full, indent=2))
    result = neontui("migrate", str(drizzle_project), "--json", url=database_url, state=tmp_path)
    assert json.loads(result.stdout)["applied"] == [e["tag"] for e in full["entries"][3:]]
    assert [c for _, c in ledger_rows(database_url)] == [e["when"] for e in full["entries"]]


@pytest.mark.drizzle
def test_drizzle_kit_engine_verifies_the_ledger_and_explains_failures(drizzle_project, database_url, tmp_path):
    result = neontui("migrate", str(drizzle_project), "--engine", "drizzle-kit", "--json", url=database_url,
                     state=tmp_path)
    doc = json.loads(result.stdout)
    assert result.returncode == 0 and len(doc["applied"]) == 5 and doc["restore_point"] is not None
    bad = drizzle_project / "drizzle" / "0005_broken.sql"
    bad.write_text("CREATE TABLE fine (id int);\n--> statement-breakpoint\nALTER TABLE nope ADD COLUMN x int;")
    data = journal_data(drizzle_project)
    data["entries"].append({"idx": 5, "version": "7", "when": data["entries"][-1]["when"] + 1, "tag": "0005_broken",
                            "breakpoints": True})
    (drizzle_project / "drizzle" / "meta" / "_journal.json").write_text(json.dumps(data, indent=2))
    failed = neontui("migrate", str(drizzle_project), "--engine", "drizzle-kit", url=database_url, state=tmp_path)
    assert failed.returncode == 4
    assert "drizzle-kit migrate failed (exit 1, it printed no reason); neontui's replay found: 0005_broken " \
           'statement 1 (line 3, column 1) failed: relation "nope" does not exist' in failed.stderr
    assert len(ledger_rows(database_url)) == 5


def test_plan_prints_the_transactions_and_runs_nothing(app, database_url, tmp_path):
    (app / "drizzle" / "0001_more.sql").write_text(f'ALTER TABLE "users" ADD COLUMN "email" text;{B}'
                                                    'CREATE INDEX CONCURRENTLY "users_email" ON "users" ("email");')
    text = neontui("migrate", str(app), "--plan", url=database_url, state=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "BEGIN" and "  ledger row for 0000_init" in lines
    assert any(line.startswith("-- outside a transaction: 0001_more #1: CREATE INDEX CONCURRENTLY") for line in lines)
    doc = json.loads(neontui("migrate", str(app), "--plan", "--json", url=database_url, state=tmp_path).stdout)
    assert [step["transactional"] for step in doc["plan"]] == [True, False, True]
    assert ledger_rows(database_url) == []
    assert not (app / ".neontui" / "audit.jsonl").exists()  # a plan is not a run: nothing to audit
