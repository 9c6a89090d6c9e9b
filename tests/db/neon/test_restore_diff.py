"""`neontui diff` and `neontui restore` on Neon, against the local spec-validated API: the diff between the target
branch and its backup after an apply, a restore refused without the typed name, the restore that rewinds the branch
(the state before kept as `main-before-restore-…`), and one clear line for what cannot be done."""

from __future__ import annotations

import json

import pytest

from tests.db.neon.conftest import API_KEY, NeonApp
from tests.helpers import assert_one_line_error, ledger_rows, table_exists

pytestmark = pytest.mark.neon_api


@pytest.fixture
def applied(neon_app: NeonApp) -> NeonApp:
    """The pending `orders` applied in production, after the backup branch the apply takes."""
    return neon_app.apply_in_production()


def test_diff_restore_rewinds_the_branch(applied: NeonApp) -> None:
    app = applied
    differs = app.run("diff", "--exit-code")
    assert differs.returncode == 1, differs.stdout + differs.stderr
    assert "-public.orders id integer" in differs.stdout  # in the target only: the backup predates it
    doc = json.loads(app.run("diff", "--json").stdout)
    assert doc["differs"] and doc["against"].startswith("branch neontui-backup-") and doc["exit_code"] == 0

    refused = app.run("restore")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "every database on branch main" in refused.stdout and "open connections drop" in refused.stdout
    assert table_exists(app.url, "orders")

    back = app.run("restore", "--confirm", app.database, "--json")
    assert back.returncode == 0, back.stdout + back.stderr
    outcome = json.loads(back.stdout)
    assert outcome["restored"] and outcome["preserved"].startswith("main-before-restore-")
    assert not table_exists(app.url, "orders") and len(ledger_rows(app.url)) == 1
    preserved = app.branches()[outcome["preserved"]]
    assert table_exists(app.neon.database_url(preserved), "orders")
    assert app.neon.project.branches[app.neon.main_branch_id].name == "main"  # the same branch, rewound
    assert app.run("diff", "--exit-code").returncode == 0
    # The backup is still found after the restore moved it under the preserved branch.
    assert len(json.loads(app.run("backup", "--list", "--json").stdout)["backups"]) == 1

    records = [json.loads(line) for line in (app.root / ".neontui" / "audit.jsonl").read_text().splitlines()]
    restores = [r for r in records if r["action"] == "restore"]
    assert [r["result"] for r in restores] == ["refused", "ok"]
    assert restores[-1]["details"]["preserve_under_name"] == outcome["preserved"]
    for text in (differs.stdout, refused.stdout, back.stdout, back.stderr):
        assert API_KEY not in text


def test_a_point_in_time_goes_to_neon_with_the_branch_as_its_own_source(applied: NeonApp) -> None:
    # The local server restores from a head only and answers 400, as Neon would for a point outside the window.
    result = applied.run("restore", "--to", "2026-12-01T10:00:00Z", "--confirm", applied.database)
    assert_one_line_error(result, 3, "restore")
    assert "source_timestamp" not in result.stderr and "head only" in result.stderr
    assert table_exists(applied.url, "orders")


def test_unknown_names_are_one_line(neon_app: NeonApp) -> None:
    assert_one_line_error(neon_app.run("diff", "--against", "no-such-branch"), 3, "no branch 'no-such-branch'")
    assert_one_line_error(neon_app.run("restore", "--to", "neontui-backup-nope", "--confirm", neon_app.database),
                          3, "no neontui backup 'neontui-backup-nope'")
    assert_one_line_error(neon_app.run("restore", "--to", "2026-12-01T10:00", "--yes"), 3, "no time zone")
