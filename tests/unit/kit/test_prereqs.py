"""`neontui doctor` checks: each failure has a one-line fix; drizzle-kit and package-manager detection."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from neontui.core.kit.prereqs import (
    Check,
    check_prerequisites,
    detect_package_manager,
    dev_install_command,
    find_drizzle_kit,
)

NAMES = ["config", "dialect", "database-url", "drizzle-kit", "node"]
GOOD_CONFIG = """import { defineConfig } from 'drizzle-kit';
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema.ts',
  dbCredentials: { url: process.env.DATABASE_URL! },
});
"""
URL = "postgresql://app:d0ct0r-secret@ep-quiet.eu-central-1.aws.neon.tech/neondb?sslmode=require"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    write(path, text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_drizzle_kit(directory: Path, version: str | None = "0.31.11") -> Path:
    """The layout npm leaves behind: node_modules/.bin/drizzle-kit and the package's package.json."""
    if version is not None:
        write(directory / "node_modules" / "drizzle-kit" / "package.json", json.dumps({"version": version}))
    return executable(directory / "node_modules" / ".bin" / "drizzle-kit")


def fake_node(tmp_path: Path, script: str = "echo v20.11.1") -> dict[str, str]:
    """An environ whose PATH holds only a `node` stub, so the node check does not depend on the machine."""
    executable(tmp_path / "fakebin" / "node", f"#!/bin/sh\n{script}\n")
    return {"PATH": str(tmp_path / "fakebin")}


def real_node() -> tuple[dict[str, str], str, Path]:
    """An environ whose PATH holds the machine's node (the suite needs node 18+), its version and its path."""
    found = shutil.which("node")
    assert found is not None, "node is not on PATH: the test suite needs Node.js 18+"
    node = Path(found)
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    return {"PATH": str(node.parent)}, version.strip(), node


def by_name(checks: list[Check]) -> dict[str, Check]:
    assert [c.name for c in checks] == NAMES
    return {c.name: c for c in checks}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    write(root / "drizzle.config.ts", GOOD_CONFIG)
    fake_drizzle_kit(root)
    return root


def test_everything_ok(project: Path) -> None:
    write(project / ".env", f"DATABASE_URL={URL}\n")
    environ, node_version, node = real_node()
    checks = by_name(check_prerequisites(project, environ=environ))
    assert all(c.ok and c.fix is None for c in checks.values()), checks
    assert checks["config"].detail == f"drizzle.config.ts in {project.resolve()}, env from .env"
    assert checks["dialect"].detail == "postgresql"
    assert (
        checks["database-url"].detail == "DATABASE_URL from .env (ep-quiet.eu-central-1.aws.neon.tech:5432/neondb)"
    )
    assert checks["drizzle-kit"].detail == (f"drizzle-kit 0.31.11 in {project / 'node_modules'}, "
                                            "drizzle-orm not installed (migrate needs it)")
    assert checks["node"].detail == f"node {node_version} at {node}"


def test_no_secret_in_any_check(project: Path, tmp_path: Path) -> None:
    environ = {**fake_node(tmp_path), "DATABASE_URL": URL.replace("neon.tech", "example")}
    checks = check_prerequisites(project, environ=environ) + check_prerequisites(
        project, url=URL, environ=environ
    )
    for check in checks:
        assert "d0ct0r-secret" not in f"{check.detail} {check.fix}"


def test_missing_config_still_runs_the_other_checks(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / ".git").mkdir(parents=True)
    fake_drizzle_kit(empty)
    checks = by_name(check_prerequisites(empty, url=URL, environ=fake_node(tmp_path)))
    config = checks["config"]
    assert not config.ok
    assert config.detail.startswith("no drizzle.config.(ts|mts|js|mjs|cjs|json) found in")
    assert config.fix == (
        "create drizzle.config.ts (see https://orm.drizzle.team/docs/drizzle-config-file) or pass --config"
    )
    assert not checks["dialect"].ok
    assert checks["database-url"].ok and checks["database-url"].detail.startswith("--url")
    assert checks["drizzle-kit"].ok and checks["node"].ok


def test_missing_config_file_given_with_config_flag(tmp_path: Path) -> None:
    config = by_name(check_prerequisites(tmp_path, config=tmp_path / "x.ts", environ=fake_node(tmp_path)))[
        "config"
    ]
    assert not config.ok and "does not exist" in config.detail
    assert config.fix is not None and "pass --config" in config.fix


def test_several_configs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "packages" / "a" / "drizzle.config.ts", GOOD_CONFIG)
    write(tmp_path / "packages" / "b" / "drizzle.config.ts", GOOD_CONFIG)
    config = by_name(check_prerequisites(tmp_path, environ=fake_node(tmp_path)))["config"]
    assert not config.ok and "packages/a/drizzle.config.ts" in config.detail
    assert config.fix is not None and "--config" in config.fix


def test_unreadable_config(project: Path, tmp_path: Path) -> None:
    write(project / "drizzle.config.ts", "export default makeConfig();\n")
    config = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["config"]
    assert not config.ok and "no object literal found" in config.detail
    assert config.fix is not None and config.fix.startswith("export the object literal")


def test_dynamic_out(project: Path, tmp_path: Path) -> None:
    write(project / "drizzle.config.ts", GOOD_CONFIG.replace("schema:", "out: outDir(), schema:"))
    config = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["config"]
    assert not config.ok and "out could not be read statically" in config.detail
    assert config.fix == "pass --out DIR"
    assert by_name(check_prerequisites(project, out="drizzle", environ=fake_node(tmp_path)))["config"].ok


def test_dynamic_ledger_table(project: Path, tmp_path: Path) -> None:
    write(project / "drizzle.config.ts", GOOD_CONFIG.replace("schema:", "migrations: { table: T }, schema:"))
    config = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["config"]
    assert not config.ok and config.fix == "write migrations.table as a string literal"


@pytest.mark.parametrize(
    ("dialect_line", "detail", "fix"),
    [
        ("dialect: 'mysql',", "dialect is 'mysql'; neontui works with PostgreSQL only",
         "set dialect: 'postgresql' in drizzle.config.ts (found 'mysql')"),
        ("", "drizzle.config.ts has no dialect", "add dialect: 'postgresql' to drizzle.config.ts"),
        ("dialect: process.env.DIALECT,",
         "dialect could not be read statically from drizzle.config.ts (it reads process.env.DIALECT)",
         "write dialect: 'postgresql' in drizzle.config.ts"),
    ],
)  # fmt: skip
def test_dialect(project: Path, tmp_path: Path, dialect_line: str, detail: str, fix: str) -> None:
    write(project / "drizzle.config.ts", GOOD_CONFIG.replace("dialect: 'postgresql',", dialect_line))
    check = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["dialect"]
    assert (check.ok, check.detail, check.fix) == (False, detail, fix)


def test_url_variable_not_set(project: Path, tmp_path: Path) -> None:
    check = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["database-url"]
    assert not check.ok
    assert check.detail == "DATABASE_URL is not set (looked in the environment, .env, .env.local)"
    assert check.fix == "add DATABASE_URL=postgresql://… to .env or export it"


def test_url_flag_satisfies_the_url_check(project: Path, tmp_path: Path) -> None:
    check = by_name(check_prerequisites(project, url=URL, environ=fake_node(tmp_path)))["database-url"]
    assert check.ok and check.detail == "--url (ep-quiet.eu-central-1.aws.neon.tech:5432/neondb)"


def test_url_that_is_not_postgres(project: Path, tmp_path: Path) -> None:
    environ = {**fake_node(tmp_path), "DATABASE_URL": "mysql://u:p@h/db"}
    check = by_name(check_prerequisites(project, environ=environ))["database-url"]
    assert not check.ok and 'unsupported database URL scheme "mysql://"' in check.detail
    assert check.fix is not None


def test_no_db_credentials(project: Path, tmp_path: Path) -> None:
    write(project / "drizzle.config.ts", "export default { dialect: 'postgresql' }")
    check = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["database-url"]
    assert not check.ok
    assert check.fix == "add dbCredentials: { url: process.env.DATABASE_URL! } to drizzle.config.ts"


def test_dynamic_url(project: Path, tmp_path: Path) -> None:
    write(project / "drizzle.config.ts", GOOD_CONFIG.replace("process.env.DATABASE_URL!", "secrets.url"))
    check = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["database-url"]
    assert (check.ok, check.fix) == (False, "pass --url URL")
    assert check.detail == "could not be read statically from drizzle.config.ts (pass --url)"


def test_host_style_variable_not_set(project: Path, tmp_path: Path) -> None:
    creds = (
        "{ host: process.env.PGHOST!, database: process.env.PGDATABASE!, password: process.env.PGPASSWORD }"
    )
    write(project / "drizzle.config.ts", GOOD_CONFIG.replace("{ url: process.env.DATABASE_URL! }", creds))
    environ = {**fake_node(tmp_path), "PGHOST": "db.internal"}
    check = by_name(check_prerequisites(project, environ=environ))["database-url"]
    assert not check.ok and check.detail.startswith("PGDATABASE is not set")
    assert check.fix == "add PGDATABASE=… to .env or export it"


def test_drizzle_kit_missing_uses_the_package_manager(project: Path, tmp_path: Path) -> None:
    import shutil

    shutil.rmtree(project / "node_modules")
    write(project / "pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
    check = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["drizzle-kit"]
    assert not check.ok
    assert check.detail == f"drizzle-kit not found in node_modules of {project.resolve()} or its parents"
    assert check.fix == "pnpm add -D drizzle-kit"


def test_drizzle_kit_other_version_is_noted(tmp_path: Path) -> None:
    fake_drizzle_kit(tmp_path, "1.0.0-rc.1")
    write(tmp_path / "drizzle.config.ts", GOOD_CONFIG)
    check = by_name(check_prerequisites(tmp_path, environ=fake_node(tmp_path)))["drizzle-kit"]
    assert check.ok and "drizzle-kit 1.0.0-rc.1" in check.detail and "tested with 0.31.x" in check.detail


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        ("echo v16.20.2", "is too old"),
        ("exit 3", "--version failed (exit 3)"),
    ],
)
def test_node_problems(project: Path, tmp_path: Path, script: str, fragment: str) -> None:
    check = by_name(check_prerequisites(project, environ=fake_node(tmp_path, script)))["node"]
    assert not check.ok and fragment in check.detail
    assert check.fix == "install Node.js 18 or newer (https://nodejs.org) and put `node` on PATH"


def test_node_not_on_path(project: Path, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    check = by_name(check_prerequisites(project, environ={"PATH": str(tmp_path / "nothing")}))["node"]
    assert (check.ok, check.detail) == (False, "node not found on PATH")
    assert check.fix is not None and "Node.js" in check.fix


# --- find_drizzle_kit / detect_package_manager ------------------------------------------------------


def test_find_drizzle_kit_in_root(tmp_path: Path) -> None:
    bin_path = fake_drizzle_kit(tmp_path, "0.31.11")
    assert find_drizzle_kit(tmp_path) == (bin_path, "0.31.11")


def test_find_drizzle_kit_hoisted_to_the_workspace_root(tmp_path: Path) -> None:
    bin_path = fake_drizzle_kit(tmp_path, "0.31.4")
    package = tmp_path / "packages" / "db"
    (package / "node_modules").mkdir(parents=True)  # the package's own node_modules lacks drizzle-kit
    assert find_drizzle_kit(package) == (bin_path, "0.31.4")


def test_find_drizzle_kit_unknown_version(tmp_path: Path) -> None:
    bin_path = fake_drizzle_kit(tmp_path, None)
    assert find_drizzle_kit(tmp_path) == (bin_path, "unknown")


def test_find_drizzle_kit_absent(tmp_path: Path) -> None:
    write(tmp_path / "node_modules" / "drizzle-kit" / "package.json", '{"version": "0.31.11"}')  # no .bin
    assert find_drizzle_kit(tmp_path) is None


@pytest.mark.parametrize(
    ("lockfile", "manager", "command"),
    [
        ("pnpm-lock.yaml", "pnpm", "pnpm add -D drizzle-kit"),
        ("yarn.lock", "yarn", "yarn add -D drizzle-kit"),
        ("bun.lockb", "bun", "bun add -d drizzle-kit"),
        ("bun.lock", "bun", "bun add -d drizzle-kit"),
        ("package-lock.json", "npm", "npm install -D drizzle-kit"),
        (None, "npm", "npm install -D drizzle-kit"),
    ],
)
def test_detect_package_manager(tmp_path: Path, lockfile: str | None, manager: str, command: str) -> None:
    (tmp_path / ".git").mkdir()
    if lockfile:
        write(tmp_path / lockfile, "")
    assert detect_package_manager(tmp_path) == manager
    assert dev_install_command(manager, "drizzle-kit") == command


def test_package_manager_from_a_parent_lockfile(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "yarn.lock", "")
    package = tmp_path / "packages" / "db"
    package.mkdir(parents=True)
    assert detect_package_manager(package) == "yarn"


def test_package_manager_field_wins_in_its_directory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "package.json", json.dumps({"packageManager": "pnpm@9.12.0"}))
    write(tmp_path / "package-lock.json", "{}")
    assert detect_package_manager(tmp_path) == "pnpm"


def test_package_manager_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path / "yarn.lock", "")  # outside the repository
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert detect_package_manager(repo) == "npm"


def test_drizzle_orm_version_and_package_scripts_are_reported(project: Path, tmp_path: Path) -> None:
    write(project / "node_modules" / "drizzle-orm" / "package.json", '{"version": "0.45.4"}')
    write(project / "package.json", '{"scripts": {"db:generate": "drizzle-kit generate", "db:push": "drizzle-kit push '
                                    '--strict", "dev": "next dev"}}')
    write(project / "pnpm-lock.yaml", "")
    detail = by_name(check_prerequisites(project, environ=fake_node(tmp_path)))["drizzle-kit"].detail
    assert detail.endswith(", drizzle-orm 0.45.4; scripts: pnpm db:generate, pnpm db:push")
