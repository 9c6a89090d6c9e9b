"""Snapshots as the Neon backup when the target says `neon_backup = "snapshot"`, against the local spec-validated
API (snapshots are beta in Neon's spec): the production apply takes a snapshot before its first statement, prints
and audits the exact restore commands with the real ids, checks the checklist's backup item with it as evidence,
and `neontui restore --to <snapshot>` rewinds the branch (Neon's finalize: a new branch takes the name, the replaced
one keeps the state before). The API key appears nowhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from neontui.core.db.url import with_database
from neontui.core.neon.client import NeonClient
from tests.db.neon.conftest import API_KEY, NeonApp
from tests.db.neon.test_backup import _checks, files
from tests.helpers import assert_one_line_error, ledger_rows, table_exists
from tests.neon_server import NeonLocal

pytestmark = pytest.mark.neon_api


@pytest.fixture
def snap_app(neon_app: NeonApp) -> NeonApp:
    """neon_app whose production target takes snapshots."""
    toml = neon_app.root / "neontui.toml"
    text = toml.read_text()
    assert 'neon_branch = "main"\n' in text
    toml.write_text(text.replace('neon_branch = "main"\n', 'neon_branch = "main"\nneon_backup = "snapshot"\n'))
    return neon_app


@pytest.fixture
def applied(snap_app: NeonApp) -> NeonApp:
    return snap_app.apply_in_production()


def test_a_production_apply_takes_a_snapshot_first(snap_app: NeonApp) -> None:
    app = snap_app
    app.complete_checklist()
    done = app.run("migrate", "--confirm", app.database)
    assert done.returncode == 0, done.stdout + done.stderr
    (snapshot,) = app.neon.project.snapshots.values()
    assert snapshot.name.startswith("neontui-backup-")
    assert not [name for name in app.branches() if name.startswith("neontui-backup-")]  # a snapshot, no branch
    main_id, project = app.neon.main_branch_id, app.neon.project.id
    assert snapshot.source_branch_id == main_id
    # Taken before the first statement: the snapshot has the ledger and the tables as they were.
    snapshot_url = with_database(app.neon.admin_url, snapshot.database)
    assert not table_exists(snapshot_url, "orders") and len(ledger_rows(snapshot_url)) == 1
    assert table_exists(app.url, "orders")

    assert f"backup snapshot: {snapshot.name} ({snapshot.id}) of branch main ({main_id})" in done.stdout
    assert f"neontui restore --to {snapshot.name}" in done.stdout
    assert f"curl -X POST {app.neon.url}/projects/{project}/snapshots/{snapshot.id}/restore" in done.stdout
    assert f'"target_branch_id": "{main_id}", "finalize_restore": true' in done.stdout
    assert "Authorization: Bearer $NEON_API_KEY" in done.stdout
    assert "no snapshot restore command that neontui can verify" in done.stdout  # no invented neonctl line

    audit = (app.root / ".neontui" / "audit.jsonl").read_text()
    record = json.loads(audit.splitlines()[-1])
    assert record["action"] == "migrate" and record["result"] == "ok"
    backup = record["details"]["backup"]
    assert (backup["kind"], backup["id"], backup["branch_id"]) == ("neon-snapshot", snapshot.id, main_id)
    assert any(snapshot.id in line and main_id in line for line in backup["restore"])
    evidence = [c["evidence"] for c in _checks(app.state) if c.get("evidence", {}).get("id") == snapshot.id]
    assert evidence and evidence[0]["kind"] == "neon-snapshot"
    assert evidence[0]["restore"] == f"neontui restore --to {snapshot.name}"
    for text in (done.stdout, done.stderr, audit, files(app.state)):
        assert API_KEY not in text


def test_restore_to_the_snapshot_rewinds_the_branch(applied: NeonApp) -> None:
    app = applied
    (snapshot,) = app.neon.project.snapshots.values()
    old_id = app.neon.main_branch_id
    refused = app.run("restore", "--to", snapshot.name)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert f"from snapshot {snapshot.name}" in refused.stdout and f"changes from {old_id}" in refused.stdout
    assert "every database on branch main" in refused.stdout
    assert table_exists(app.url, "orders")

    back = app.run("restore", "--to", snapshot.name, "--confirm", app.database, "--json")
    assert back.returncode == 0, back.stdout + back.stderr
    outcome = json.loads(back.stdout)
    assert outcome["restored"] and outcome["plan"]["backup"]["kind"] == "neon-snapshot"
    assert not table_exists(app.url, "orders") and len(ledger_rows(app.url)) == 1
    branches = app.neon.project.branches
    replaced = branches[old_id]  # the same id, renamed by Neon, keeps the state before
    assert outcome["preserved"] == replaced.name != "main"
    assert table_exists(app.neon.database_url(old_id), "orders")
    (new_id,) = [bid for bid, b in branches.items() if b.name == "main"]
    assert branches[new_id].restored_as == old_id and new_id in outcome["notes"][0]
    # The snapshot of the replaced branch is still a backup of `main`.
    listed = json.loads(app.run("backup", "--list", "--json").stdout)["backups"]
    assert [b["id"] for b in listed] == [snapshot.id]

    records = [json.loads(line) for line in (app.root / ".neontui" / "audit.jsonl").read_text().splitlines()]
    restores = [r for r in records if r["action"] == "restore"]
    assert [r["result"] for r in restores] == ["refused", "ok"]
    assert restores[-1]["details"]["preserved"] == replaced.name
    for text in (refused.stdout, refused.stderr, back.stdout, back.stderr, files(app.state)):
        assert API_KEY not in text


def test_neontui_backup_takes_a_snapshot_and_checks_the_item(snap_app: NeonApp) -> None:
    app = snap_app
    taken = app.run("backup")
    assert taken.returncode == 0, taken.stderr
    (snapshot,) = app.neon.project.snapshots.values()
    assert f"backup snapshot: {snapshot.name} ({snapshot.id})" in taken.stdout
    item = next(i for i in json.loads(app.run("checklist", "--json").stdout)["items"] if i["id"] == "backup-taken")
    assert item["checked"] and item["evidence"]["id"] == snapshot.id
    assert API_KEY not in taken.stdout + taken.stderr + files(app.state)


def test_a_refused_snapshot_stops_the_apply_before_anything_runs(snap_app: NeonApp) -> None:
    app = snap_app
    app.complete_checklist()
    app.neon.fail_next("POST", r"/snapshot$", 422, code="SNAPSHOTS_LIMIT_EXCEEDED", message="too many snapshots")
    refused = app.run("migrate", "--confirm", app.database)
    assert refused.returncode == 3, refused.stdout + refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("neontui: error: ")]
    assert len(errors) == 1 and "no snapshot, so nothing was applied" in errors[0]
    assert "SNAPSHOTS_LIMIT_EXCEEDED" in errors[0] and "Traceback" not in refused.stderr
    assert not table_exists(app.url, "orders") and len(ledger_rows(app.url)) == 1


def test_the_client_creates_lists_restores_and_deletes_snapshots(neon: NeonLocal, client: NeonClient) -> None:
    main = neon.main_branch_id
    created = client.create_snapshot(neon.project.id, main, name="nightly")
    client.wait_for_operations(created.operations)
    assert (created.snapshot.name, created.snapshot.source_branch_id) == ("nightly", main)
    assert [s.id for s in client.list_snapshots(neon.project.id)] == [created.snapshot.id]
    # Without finalize a new branch holds the snapshot and the target is left alone.
    preview = client.restore_snapshot(neon.project.id, created.snapshot.id, finalize_restore=False)
    assert preview.branch is not None and preview.branch.id != main
    assert neon.project.branches[main].name == "main" and neon.project.branches[main].endpoint_id
    client.wait_for_operations(client.delete_snapshot(neon.project.id, created.snapshot.id))
    assert client.list_snapshots(neon.project.id) == []


def test_diff_against_a_snapshot_is_one_line_naming_the_way_out(applied: NeonApp) -> None:
    result = applied.run("diff")
    assert_one_line_error(result, 3, "is a snapshot, and Neon compares the schemas of branches only")
    assert "--against" in result.stderr


@pytest.mark.skipif(shutil.which("curl") is None, reason="the printed API command needs curl")
def test_the_printed_api_command_restores_the_snapshot(applied: NeonApp) -> None:
    """The curl line from the audit record, run as printed (the key from its variable): the spec-validated server
    accepts it and the branch is rewound, so the command is exact, not only plausible."""
    app = applied
    record = json.loads((app.root / ".neontui" / "audit.jsonl").read_text().splitlines()[-1])
    (command,) = [line for line in record["details"]["backup"]["restore"] if line.startswith("curl ")]
    ran = subprocess.run(["bash", "-c", command + " --fail --silent --show-error --max-time 60"], env={
        "NEON_API_KEY": API_KEY, "PATH": os.environ.get("PATH", "")}, capture_output=True, text=True, timeout=90)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    restored = json.loads(ran.stdout)["branch"]
    assert restored["name"] == "main" and restored["restored_as"] == app.neon.main_branch_id
    assert not table_exists(app.url, "orders") and len(ledger_rows(app.url)) == 1
