"""The local, spec-validated Neon API (tests/neon_server.py) over the session's PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from neontui.core.db.connect import connect, server_info
from neontui.core.db.url import parse_url
from neontui.core.neon.client import NeonClient, clear_endpoint_cache
from tests.factories import sql_project
from tests.helpers import bundled_pg_dump_dir, neontui, secret_url
from tests.neon_server import NeonLocal

# A key of the shape Neon issues, fresh per session, so that finding it in any output can only be a leak.
API_KEY = f"napi_{uuid.uuid4().hex}{uuid.uuid4().hex[:16]}"


@pytest.fixture
def neon(pg_admin_url: str, database_url: str) -> Iterator[NeonLocal]:
    """The API with one project whose default branch is this test's fresh database (and a decoy project).
    Any request or response that broke Neon's spec fails the test here, even if the client coped with it."""
    server = NeonLocal(pg_admin_url, database_url, api_key=API_KEY)
    clear_endpoint_cache()
    yield server
    server.close()
    assert not server.violations, "Neon API spec violations:\n" + "\n".join(server.violations)


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for, recorded instead of slept: retries and polls run at once."""
    return []


@pytest.fixture
def client(neon: NeonLocal, sleeps: list[float]) -> Iterator[NeonClient]:
    with NeonClient(API_KEY, base_url=neon.url, timeout=10.0, sleep=sleeps.append) as api:
        yield api


@dataclass
class NeonApp:
    """A drizzle project whose production target is the `main` branch of a local Neon project (neontui.toml's
    neon_project / neon_branch and [neon] api_url), `users` applied and `orders` pending."""

    root: Path
    url: str
    database: str
    neon: NeonLocal
    state: Path
    env: dict[str, str]

    def run(self, command: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return neontui(command, str(self.root), *args, url=self.url, state=self.state, env={**self.env, **env})

    def complete_checklist(self, *, except_backup: bool = True) -> None:
        """Check every item an operator can check (the backup item left to the apply, which takes one)."""
        items = [i["id"] for i in json.loads(self.run("checklist", "--json").stdout)["items"]
                 if i["can_check"] and not (except_backup and i["id"] == "backup-taken")]
        done = self.run("checklist", *[a for i in items for a in ("--check", i)])
        assert done.returncode in (0, 1), done.stdout + done.stderr

    def apply_in_production(self) -> NeonApp:
        """The pending `orders` applied with the checklist done and the typed name, after the backup the apply
        takes; returns the app, for fixtures."""
        self.complete_checklist()
        done = self.run("migrate", "--confirm", self.database)
        assert done.returncode == 0, done.stdout + done.stderr
        return self

    def branches(self) -> dict[str, str]:
        """name → id of the project's branches."""
        return {b.name: b.id for b in self.neon.project.branches.values()}


@pytest.fixture
def neon_app(pg_admin_url: str, database_url: str, tmp_path: Path) -> Iterator[NeonApp]:
    url = secret_url(database_url)
    parsed = parse_url(url)
    server = NeonLocal(pg_admin_url, database_url, api_key=API_KEY, db_name=parsed.dbname or "",
                       role=parsed.user or "")
    clear_endpoint_cache()
    root = sql_project(tmp_path / "app", {
        "0000_users": b'CREATE TABLE "users" ("id" integer);',
        "0001_orders": b'CREATE TABLE "orders" ("id" integer);',
    }, database_url=url, applied=1)
    (root / "neontui.toml").write_text(
        'default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\nproduction = true\n'
        f'neon_project = "{server.project.id}"\nneon_branch = "main"\n\n[neon]\napi_url = "{server.url}"\n')
    with connect(url) as conn:
        major = server_info(conn).version_num // 10000
    pg_dump = bundled_pg_dump_dir(major)
    path = f"{pg_dump}{os.pathsep}{os.environ.get('PATH', '')}" if pg_dump else os.environ.get("PATH", "")
    yield NeonApp(root, url, parsed.dbname or "", server, tmp_path / "state", {"NEON_API_KEY": API_KEY, "PATH": path})
    server.close()
    assert not server.violations, "Neon API spec violations:\n" + "\n".join(server.violations)
