"""`neontui rehearse` on a Neon target: a branch of the target's branch at its head, through the local API that
checks every request and response against Neon's published spec (tests/neon_server.py), backed by real databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from neontui.core.db.url import parse_url
from tests.db.neon.conftest import API_KEY
from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, neontui, secret_url
from tests.neon_server import NeonLocal

pytestmark = pytest.mark.neon_api

KEY_ENV = "NEONTUI_TEST_NEON_KEY"  # not NEON_API_KEY: a developer's real key must never reach a test server


@pytest.fixture
def neon_target(pg_admin_url: str, database_url: str) -> Iterator[NeonLocal]:
    """The API whose project's default branch is this test's database, showing its real name and owner."""
    parsed = parse_url(database_url)
    server = NeonLocal(pg_admin_url, database_url, api_key=API_KEY, db_name=parsed.dbname or "",
                       role=parsed.user or "")
    yield server
    server.close()
    assert not server.violations, "Neon API spec violations:\n" + "\n".join(server.violations)


def neon_project(tmp_path: Path, database_url: str, neon: NeonLocal, *, production: bool = False) -> Path:
    root = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer);',
        "0001_orders": b'CREATE TABLE "orders" ("id" bigint, "user_id" integer);',
    }, database_url=database_url, applied=1)
    (root / "neontui.toml").write_text(
        f'default_target = "main"\n\n[neon]\napi_url = "{neon.url}"\napi_key_env = "{KEY_ENV}"\n\n'
        f'[targets.main]\nurl_env = "DATABASE_URL"\nproduction = {"true" if production else "false"}\n'
        f'neon_project = "{neon.project.id}"\nneon_branch = "main"\n')
    return root


def test_rehearsal_runs_on_a_branch_at_head_and_deletes_it(tmp_path: Path, database_url: str,
                                                           neon_target: NeonLocal) -> None:
    app = neon_project(tmp_path, database_url, neon_target)
    ledger = ledger_rows(database_url)
    result = neontui("rehearse", str(app), "--json", url=secret_url(database_url), state=tmp_path,
                     env={KEY_ENV: API_KEY})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["rehearsal"]
    copy = report["copy"]
    assert copy["kind"] == "neon-branch" and copy["name"].startswith("neontui-rehearsal-")
    assert copy["expires_at"] and copy["project_id"] == neon_target.project.id
    created = [b for b in neon_target.project.branches.values() if b.name == copy["name"]]
    assert created == [] and copy["branch_id"] in neon_target.project.deleted  # made, then deleted
    assert report["applied"] == ["0001_orders"]
    assert [(s["tag"], s["locks"][0]["mode"]) for s in report["statements"]] == [("0001_orders",
                                                                                   "AccessExclusiveLock")]
    assert "+public.orders id bigint" in report["diff"]["diff"]  # Neon's compare_schema, computed server-side
    assert ledger_rows(database_url) == ledger
    posted = [path for method, path in neon_target.requests if method == "POST"]
    assert [path.split("/api/v2")[-1] for path in posted] == [f"/projects/{neon_target.project.id}/branches"]
    for text in (result.stdout, result.stderr, *(p.read_text() for p in tmp_path.rglob("*") if p.is_file()
                                                 and p.suffix in (".json", ".jsonl"))):
        assert API_KEY not in text and SECRET not in text


def test_a_missing_key_is_one_line_naming_the_variable_and_nothing_is_made(tmp_path: Path, database_url: str,
                                                                           neon_target: NeonLocal) -> None:
    app = neon_project(tmp_path, database_url, neon_target)
    result = neontui("rehearse", str(app), url=database_url, state=tmp_path, env={KEY_ENV: ""})
    assert result.returncode == 3
    assert result.stderr.strip() == f"neontui: error: {KEY_ENV} is not set" or (
        result.stderr.startswith(f"neontui: error: {KEY_ENV} is not set") and "Traceback" not in result.stderr)
    assert neontui_branches(neon_target) == ["main"]


def test_the_branch_limit_is_one_line_and_nothing_runs(tmp_path: Path, database_url: str,
                                                       neon_target: NeonLocal) -> None:
    app = neon_project(tmp_path, database_url, neon_target)
    neon_target.branch_limit = 1
    result = neontui("rehearse", str(app), url=database_url, state=tmp_path, env={KEY_ENV: API_KEY})
    assert result.returncode == 3, result.stderr
    error = result.stderr.strip().splitlines()[-1]  # after the progress line
    assert error.startswith("neontui: error: ") and "branches limit of 1 exceeded" in error
    assert "Traceback" not in result.stderr and API_KEY not in result.stderr
    assert neontui_branches(neon_target) == ["main"]


def test_a_failed_branch_rehearsal_locks_the_production_gate(tmp_path: Path, database_url: str,
                                                             neon_target: NeonLocal) -> None:
    app = neon_project(tmp_path, database_url, neon_target, production=True)
    (app / "drizzle" / "0001_orders.sql").write_text('CREATE TABLE "users" ("id" integer);')  # exists already
    result = neontui("rehearse", str(app), "--json", url=database_url, state=tmp_path, env={KEY_ENV: API_KEY})
    assert result.returncode == 4, result.stderr
    assert "already exists" in json.loads(result.stdout)["rehearsal"]["error"]["message"]
    assert neontui_branches(neon_target) == ["main"]
    shown = json.loads(neontui("checklist", str(app), "--json", url=database_url, state=tmp_path,
                               env={KEY_ENV: API_KEY}).stdout)
    assert "rehearsal-failed" in shown["actions"]["migrate"]["codes"]


def neontui_branches(neon: NeonLocal) -> list[str]:
    return sorted(b.name for b in neon.project.branches.values())
