"""The backup branch a production apply on Neon takes before its first statement, and `neontui backup`, against the
local spec-validated Neon API: real restore commands (the project's and branches' ids, the key's variable name),
the checklist's backup item checked with evidence, a branch limit that stops the apply before anything ran, and
the API key nowhere in the output, the audit log or the checklist files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neontui.core.actions.migrate import Outcome
from neontui.core.gate.policy import Action, Decision
from neontui.core.migrate.restore import RestorePoint
from neontui.core.neon.backup import NeonBackup
from tests.db.neon.conftest import API_KEY, NeonApp
from tests.helpers import SECRET, ledger_rows, table_exists

pytestmark = pytest.mark.neon_api


def files(root: Path) -> str:
    return "\n".join(p.read_text() for p in root.rglob("*.json*") if p.is_file())


def test_a_production_apply_takes_a_backup_branch_first(neon_app: NeonApp) -> None:
    app = neon_app
    app.complete_checklist()  # everything but the backup item: the apply takes that one itself
    done = app.run("migrate", "--confirm", app.database)
    assert done.returncode == 0, done.stdout + done.stderr
    backups = {name: bid for name, bid in app.branches().items() if name.startswith("neontui-backup-")}
    assert len(backups) == 1
    (name, backup_id), = backups.items()
    main_id, project = app.neon.main_branch_id, app.neon.project.id
    # Taken before the first statement: the backup has the ledger and tables as they were.
    backup_url = app.neon.database_url(backup_id)
    assert not table_exists(backup_url, "orders") and len(ledger_rows(backup_url)) == 1
    assert table_exists(app.url, "orders")

    assert f"backup branch: {name} ({backup_id}) of branch main ({main_id})" in done.stdout
    assert f"neontui restore --to {name}" in done.stdout
    assert (f"neonctl branches restore {main_id} {backup_id} --preserve-under-name main-before-restore-"
            in done.stdout) and f"--project-id {project}" in done.stdout
    assert f"{app.neon.url}/projects/{project}/branches/{main_id}/restore" in done.stdout
    assert 'Authorization: Bearer $NEON_API_KEY' in done.stdout
    assert "<project-id>" not in done.stdout and "<branch>" not in done.stdout
    # The restore point is a Neon one too (the target is reached through a proxy host name): by time, on the branch.
    assert f"neonctl branches restore {main_id} ^self@" in done.stdout and "not a Neon target" not in done.stdout

    audit = (app.root / ".neontui" / "audit.jsonl").read_text()
    record = json.loads(audit.splitlines()[-1])
    assert record["action"] == "migrate" and record["result"] == "ok"
    assert record["details"]["backup"]["id"] == backup_id
    assert any(f"restore {main_id} ^self@" in line for line in record["restore_point"]["commands"])
    assert any(main_id in line and backup_id in line for line in record["details"]["backup"]["restore"])
    evidence = [c["evidence"] for c in _checks(app.state) if c.get("evidence", {}).get("id") == backup_id]
    assert evidence and evidence[0]["restore"] == f"neontui restore --to {name}"
    for text in (done.stdout, done.stderr, audit, files(app.state)):
        assert API_KEY not in text and SECRET not in text


def _checks(state: Path) -> list[dict]:
    found = []
    for path in (state / "neontui").rglob("*.json"):
        doc = json.loads(path.read_text())
        if isinstance(doc, dict) and isinstance(doc.get("checks"), dict):
            found += doc["checks"].values()
    return found


def test_a_branch_limit_stops_the_apply_before_anything_runs(neon_app: NeonApp) -> None:
    app = neon_app
    app.complete_checklist()
    app.neon.branch_limit = len(app.neon.project.branches)
    refused = app.run("migrate", "--confirm", app.database)
    assert refused.returncode == 3, refused.stdout + refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("neontui: error: ")]
    assert len(errors) == 1 and "no backup branch, so nothing was applied" in errors[0]
    assert "BRANCHES_LIMIT_EXCEEDED" in errors[0] and "Traceback" not in refused.stderr
    assert not table_exists(app.url, "orders") and len(ledger_rows(app.url)) == 1
    record = json.loads((app.root / ".neontui" / "audit.jsonl").read_text().splitlines()[-1])
    assert record["result"] == "failed" and "branch limit" in record["error"]
    assert API_KEY not in refused.stdout + refused.stderr


def test_neontui_backup_checks_the_item_with_evidence(neon_app: NeonApp) -> None:
    app = neon_app
    taken = app.run("backup", "--json")
    assert taken.returncode == 0, taken.stderr
    backup = json.loads(taken.stdout)["backup"]
    assert backup["kind"] == "neon-branch" and backup["branch_id"] == app.neon.main_branch_id
    assert app.branches()[backup["name"]] == backup["id"]
    assert app.neon.project.branches[backup["id"]].endpoint_id is None  # no compute: a backup, not a workplace
    shown = json.loads(app.run("checklist", "--json").stdout)
    item = next(i for i in shown["items"] if i["id"] == "backup-taken")
    assert item["checked"] and item["evidence"]["id"] == backup["id"]
    listed = json.loads(app.run("backup", "--list", "--json").stdout)["backups"]
    assert [b["id"] for b in listed] == [backup["id"]]
    assert API_KEY not in taken.stdout + taken.stderr + files(app.state)


def test_a_missing_key_is_one_line_naming_the_variable(neon_app: NeonApp) -> None:
    result = neon_app.run("backup", NEON_API_KEY="")
    assert result.returncode == 3 and result.stderr.count("neontui: error: ") == 1
    assert "NEON_API_KEY is not set" in result.stderr


def test_the_restore_point_carries_the_real_ids_once_the_backup_is_known() -> None:
    point = RestorePoint("2026-12-01T10:00:00.000000Z", "0/1A2B3C8", "neondb", "ep-cool-1")
    backup = NeonBackup("p-1", "br-main-1", "main", "br-backup-1", "neontui-backup-20261201-100000",
                        "2026-12-01T10:00:00Z", "neondb")
    outcome = Outcome(Action.MIGRATE, Decision(True, ()), restore_point=point, backup=backup)
    text = "\n".join(outcome.restore_commands())
    assert "neonctl branches restore br-main-1 ^self@" in text and "--project-id p-1" in text
    assert "<project-id>" not in text and "<branch>" not in text


def test_without_the_key_the_backup_item_is_the_operators_again(neon_app: NeonApp) -> None:
    """No key, no backup branch: the apply cannot take one, so the checklist's backup item holds the gate as on any
    other server (rather than refusing every apply), and both commands say why."""
    app = neon_app
    app.complete_checklist()
    refused = app.run("migrate", "--json", "--confirm", app.database, NEON_API_KEY="")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["codes"] == ["unchecked"] and "backup" in refused.stdout
    assert "note: NEON_API_KEY is not set, so neontui takes no backup branch" in refused.stderr
    shown = app.run("checklist", NEON_API_KEY="")
    assert "note: NEON_API_KEY is not set" in shown.stdout
    app.run("checklist", "--check", "backup-taken", NEON_API_KEY="")
    done = app.run("migrate", "--confirm", app.database, NEON_API_KEY="")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not [name for name in app.branches() if name.startswith("neontui-backup-")]
    assert table_exists(app.url, "orders")
