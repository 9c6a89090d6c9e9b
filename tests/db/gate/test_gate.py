"""The gate: review + environment + checklist + policy over a real project and database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from neontui.core.db.url import parse_url
from neontui.core.drizzle.project import load_project
from neontui.core.gate.checklist import ChecklistStore
from neontui.core.gate.gate import open_gate
from tests.factories import sql_project

SEED = ("reviewed", "no-destructive-without-backup", "backwards-compatible", "tested-in-development", "backup-taken")


@pytest.fixture
def project_dir(tmp_path: Path, database_url: str) -> Path:
    return sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" int, "legacy" text);',
                                          "0001_drop": b'ALTER TABLE "users" DROP COLUMN "legacy";'},
                       database_url=database_url, applied=1)


def gate(project_dir: Path, database_url: str, tmp_path: Path, **kw):
    project = load_project(project_dir, environ={"DATABASE_URL": database_url})
    return open_gate(project, environ={}, store=ChecklistStore(tmp_path / "state"), **kw)


def test_development_allows_migrate_without_a_checklist(project_dir, database_url, tmp_path):
    g = gate(project_dir, database_url, tmp_path)
    # The embedded server is reached over its unix socket, NEONTUI_TEST_DATABASE_URL usually over localhost.
    local = "unix-socket target" if parse_url(database_url).is_unix_socket else "localhost target"
    assert not g.environment.production and g.environment.reason == local
    assert [m.tag for m in g.pending.migrations] == ["0001_drop"]
    assert [f.rule for f in g.review.findings] == ["drop-column"]
    assert g.decide("migrate").allowed


def test_production_needs_every_item_and_the_typed_database_name(project_dir, database_url, tmp_path):
    g = gate(project_dir, database_url, tmp_path, env_flag="production")
    decision = g.decide("migrate")
    assert not decision.allowed and decision.confirmation == g.pending.database
    assert "6 checklist items unchecked" in decision.reasons[0]
    for item in (*SEED, "ack-data-loss"):
        g.checklist.check(item)
    assert g.save()
    again = gate(project_dir, database_url, tmp_path, env_flag="production")  # the checks were persisted
    assert again.checklist.complete
    assert again.decide("migrate").reasons == (f"type the database name {g.pending.database} to confirm",)
    assert not again.decide("migrate", typed_confirmation="wrong").allowed
    assert again.decide("migrate", typed_confirmation=g.pending.database).allowed
    assert not again.decide("push", typed_confirmation=g.pending.database).allowed  # push is refused in production


def test_checklist_resets_when_the_pending_set_changes(project_dir, database_url, tmp_path):
    g = gate(project_dir, database_url, tmp_path, env_flag="production")
    g.checklist.check("reviewed")
    g.save()
    (project_dir / "drizzle" / "0001_drop.sql").write_text('ALTER TABLE "users" DROP COLUMN "legacy"; -- edited')
    assert gate(project_dir, database_url, tmp_path, env_flag="production").checklist.progress[0] == 0


def test_checklist_command(project_dir, database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "XDG_STATE_HOME": str(tmp_path / "xdg")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "neontui", "checklist", str(project_dir), *args], env=env,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    first = run("--env", "production", "--check", "reviewed", "--json")
    doc = json.loads(first.stdout)
    assert first.returncode == 1 and doc["progress"] == {"done": 1, "total": 6}
    assert doc["actions"]["migrate"]["allowed"] is False
    checks = [a for item in (*SEED, "ack-data-loss") for a in ("--check", item)]
    done = run("--env", "production", *checks)
    assert done.returncode == 0 and "checklist 6/6" in done.stdout
    assert "migrate: type the database name" in done.stdout
    bad = run("--check", "no-such-item")
    assert bad.returncode == 3 and bad.stderr.startswith("neontui: error: ") and "Traceback" not in bad.stderr


def test_status_and_live_schema_are_read_on_one_connection(project_dir, database_url, tmp_path, monkeypatch):
    """The console's load (review=True) opens one connection for the ledger and the catalog, and hands the status
    over before the schema is read and the review runs."""
    import psycopg

    opened: list[str] = []
    real_connect = psycopg.connect

    def counting(*args, **kwargs):
        opened.append(kwargs.get("application_name", ""))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", counting)
    told = []
    g = gate(project_dir, database_url, tmp_path, review=True,
             on_status=lambda overview: told.append((overview, list(opened))))
    assert opened == ["neontui"]
    [(overview, opened_by_then)] = told
    assert overview is g.pending.overview and opened_by_then == ["neontui"]
    assert [m.tag for m in overview.status.pending] == ["0001_drop"]
    assert g.pending.schema is not None and g.pending.schema.table(("public", "users")) is not None
    assert [f.rule for f in g.review.findings] == ["drop-column"]
