"""The drizzle-kit actions end to end with the real drizzle-kit and a real PostgreSQL: push and generate leave an
audit record in the configured audit_log; a production push refuses before it runs when that record could not be
written; check and up report the folder's state."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.core.actions.audit import AuditError, AuditLog
from neontui.core.actions.check import check, up
from neontui.core.actions.generate import generate
from neontui.core.actions.push import push
from neontui.core.actions.studio import start_studio
from neontui.core.drizzle.project import load_project
from neontui.core.errors import ExitCode
from neontui.core.gate.environment import Environment
from neontui.core.gate.gate import open_gate
from neontui.core.gate.policy import Reason
from neontui.core.gate.settings import load_settings
from tests.helpers import free_port, table_exists

pytestmark = pytest.mark.drizzle

AUDIT_TOML = 'audit_log = "logs/audit.jsonl"\n'
PRODUCTION_TOML = ('default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\nproduction = true\n'
                   "allow_push = true\n")


def never(_prompt: object) -> None:
    raise AssertionError("drizzle-kit asked a question")


def ignore(_event: object) -> None:
    pass


def records(path: Path) -> list[dict]:
    return AuditLog(path).read()


def test_generate_is_audited_in_the_configured_log(drizzle_project: Path) -> None:
    (drizzle_project / "neontui.toml").write_text(AUDIT_TOML)
    project = load_project(drizzle_project)
    result = generate(project, load_settings(project.config.root), name="by_hand", custom=True, answer=never,
                      on_event=ignore)
    assert result.ok and result.created and result.created[0].endswith("_by_hand")
    [record] = records(drizzle_project / "logs" / "audit.jsonl")
    assert (record["action"], record["result"], record["error"]) == ("generate", "ok", None)
    assert record["details"]["created"] == result.created
    assert not (drizzle_project / ".neontui" / "audit.jsonl").exists()  # not the default path


def test_push_is_audited_in_the_configured_log(drizzle_project: Path, database_url: str) -> None:
    (drizzle_project / "neontui.toml").write_text(AUDIT_TOML)
    gate = open_gate(load_project(drizzle_project, url=database_url))
    assert not gate.environment.production
    outcome = push(gate, answer=never, on_event=ignore)
    assert outcome.decision.allowed and outcome.result is not None and outcome.result.ok, outcome.result
    assert outcome.exit_code == ExitCode.OK and table_exists(database_url, "posts")
    [record] = records(drizzle_project / "logs" / "audit.jsonl")
    assert (record["action"], record["result"]) == ("push", "ok")
    assert record["environment"]["production"] is False and record["checklist"]["total"] > 0
    assert record["details"]["summary"] == "changes applied"


def test_production_push_refuses_before_running_when_its_record_cannot_be_written(
        drizzle_project: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    (drizzle_project / "not-a-folder").write_text("")
    (drizzle_project / "neontui.toml").write_text('audit_log = "not-a-folder/audit.jsonl"\n' + PRODUCTION_TOML)
    gate = open_gate(load_project(drizzle_project))
    assert gate.environment.production
    for item in gate.checklist.items:
        if item.can_check:
            gate.checklist.check(item.id, by="tester")
    first = gate.decide("push")
    assert first.needs_confirmation and first.codes == (Reason.CONFIRMATION_MISSING,)
    outcome = push(gate, typed_confirmation=first.confirmation, answer=never, on_event=ignore)
    assert outcome.decision.allowed and outcome.result is None
    assert isinstance(outcome.error, AuditError) and outcome.exit_code == ExitCode.ERROR
    assert not table_exists(database_url, "posts")  # drizzle-kit never ran


def test_a_refused_push_is_audited_and_runs_nothing(drizzle_project: Path, database_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    (drizzle_project / "neontui.toml").write_text(PRODUCTION_TOML)
    outcome = push(open_gate(load_project(drizzle_project)), typed_confirmation="wrong", answer=never,
                   on_event=ignore)
    assert not outcome.decision.allowed and outcome.exit_code == ExitCode.PENDING and outcome.result is None
    assert Reason.UNCHECKED in outcome.decision.codes and Reason.CONFIRMATION_MISMATCH in outcome.decision.codes
    [record] = records(drizzle_project / ".neontui" / "audit.jsonl")
    assert (record["action"], record["result"]) == ("push", "refused")
    assert "checklist item" in record["error"]
    assert not table_exists(database_url, "posts")


def test_check_and_up_report_a_consistent_folder(drizzle_project: Path) -> None:
    project = load_project(drizzle_project)
    checked = check(project, on_event=ignore)
    assert checked.ok and checked.summary == "the migrations folder is consistent"
    upgraded = up(project, on_event=ignore)
    assert upgraded.ok and upgraded.summary == "snapshots are up to date"


def test_studio_starts_and_carries_the_production_warning(drizzle_project: Path, database_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    production = Environment("prod", True, "target prod has production = true in neontui.toml", "prod")
    run = start_studio(load_project(drizzle_project), port=free_port(), environment=production)
    try:
        assert run.studio.running and run.info.url.startswith("https://local.drizzle.studio")
        assert run.warnings == ("studio on production: edits made there bypass the migration review",)
    finally:
        run.studio.stop()
    assert not run.studio.running
