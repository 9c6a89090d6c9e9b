"""The migrate action (`execute`) through a real PostgreSQL: dry run, then migrate, each with its audit record in
the configured audit_log; a refusal runs nothing and says so in codes."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.actions.audit import AuditLog
from neontui.core.actions.migrate import execute
from neontui.core.drizzle.project import load_project
from neontui.core.errors import ExitCode
from neontui.core.gate.gate import open_gate
from neontui.core.gate.policy import Reason
from tests.factories import sql_project
from tests.helpers import ledger_rows

B = "--> statement-breakpoint\n"


@pytest.fixture
def root(tmp_path: Path, database_url: str) -> Path:
    project = sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer);',
        "0001_email": f'ALTER TABLE "users" ADD COLUMN "email" text;{B}SELECT 1;'.encode()},
        database_url=database_url, applied=1)
    (project / "neontui.toml").write_text('audit_log = "logs/audit.jsonl"\n')
    return project


def test_dry_run_then_migrate_each_audited(root: Path, database_url: str) -> None:
    gate = open_gate(load_project(root, url=database_url))
    dry = execute(gate, dry=True)
    assert dry.exit_code == ExitCode.OK and dry.dry is not None and dry.dry.ok
    assert len(ledger_rows(database_url)) == 1  # rolled back
    applied = execute(gate)
    assert applied.exit_code == ExitCode.OK and applied.applied == ["0001_email"]
    assert applied.restore_point is not None and len(ledger_rows(database_url)) == 2
    log = AuditLog(root / "logs" / "audit.jsonl").read()
    assert [(r["action"], r["result"]) for r in log] == [("dry-run", "dry-run"), ("migrate", "ok")]
    assert log[1]["details"]["applied"] == ["0001_email"]


def test_a_refused_migrate_runs_nothing(root: Path, database_url: str) -> None:
    (root / "drizzle" / "0001_email.sql").write_text('ALTER TABLE "users" ADD COLUMN "email" text;\nSELEC 1;')
    gate = open_gate(load_project(root, url=database_url), review=True)
    outcome = execute(gate)
    assert outcome.exit_code == ExitCode.PENDING and outcome.decision.codes == (Reason.ERRORS,)
    assert outcome.decision.refusals[0].items == ("syntax-error",)
    assert len(ledger_rows(database_url)) == 1
    [record] = AuditLog(root / "logs" / "audit.jsonl").read()
    assert (record["action"], record["result"]) == ("migrate", "refused")


def test_without_options_the_run_uses_the_configured_timeouts(root: Path, database_url: str) -> None:
    # The console passes no options: neontui.toml's lock_timeout must still apply (it used the built-in 5s).
    (root / "neontui.toml").write_text('audit_log = "logs/audit.jsonl"\nlock_timeout = "250ms"\n')
    gate = open_gate(load_project(root, url=database_url))
    with psycopg.connect(database_url) as holder:
        holder.execute('LOCK TABLE "users" IN ACCESS SHARE MODE')  # ALTER TABLE must wait behind it
        outcome = execute(gate)
    assert outcome.exit_code == ExitCode.RETRY and outcome.error is not None
    assert "lock timeout: waited 250ms for a lock" in outcome.error.one_line()
    assert len(ledger_rows(database_url)) == 1
