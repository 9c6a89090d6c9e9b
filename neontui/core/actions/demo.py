"""`neontui demo`: the sample project on an embedded PostgreSQL, three migrations applied, a risky one pending."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from psycopg import sql

from neontui.core.db.connect import connect
from neontui.core.db.embedded import EmbeddedServer, start_embedded
from neontui.core.db.url import with_database
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.ledger import DEFAULT_SCHEMA, DEFAULT_TABLE
from neontui.core.errors import NeontuiError
from neontui.core.migrate.migrator import run
from neontui.core.redact import redact

DEMO_DATABASE = "neontui_demo"
APPLIED_IN_DEMO = 3
# Rows make the pending migration's risks real: ADD COLUMN … NOT NULL without a default fails on a non-empty table.
SEED = """
INSERT INTO users (email, name, role)
  VALUES ('ada@example.com', 'Ada', 'owner'), ('linus@example.com', 'Linus', 'member');
INSERT INTO projects (owner_id, name) VALUES (1, 'api'), (1, 'web'), (2, 'kernel');
INSERT INTO deployments (project_id, commit_sha) SELECT p.id, md5(p.id::text || g::text)
  FROM projects p, generate_series(1, 50) g;
"""


@dataclass
class Demo:
    project_dir: Path
    database_url: str
    server: EmbeddedServer


INSTALL_TIMEOUT = 300.0  # seconds; a first `npm ci` with a cold cache downloads ~30 MB
_INSTALLED = ".neontui-lock"  # in node_modules: the lockfile it was installed from (a rerun skips npm)


def install_drizzle_kit(project_dir: Path, *, timeout: float = INSTALL_TIMEOUT) -> bool:
    """Install the sample's pinned drizzle-kit, drizzle-orm and pg from its committed lockfile (`npm ci`), so
    generate, push and studio work on the first run. False: already installed from this lockfile (kept across
    `neontui demo` runs). Raises a NeontuiError whose message is the one line to show (npm missing or failing)."""
    lock = project_dir / "package-lock.json"
    marker = project_dir / "node_modules" / _INSTALLED
    if marker.is_file() and lock.is_file() and marker.read_bytes() == lock.read_bytes() and \
            (project_dir / "node_modules" / ".bin" / "drizzle-kit").exists():
        return False
    npm = shutil.which("npm")
    if npm is None:
        raise NeontuiError("npm is not on PATH, so the sample's drizzle-kit was not installed: generate, push and "
                           f"studio need it (install node and npm, then `npm ci` in {project_dir})")
    command = [npm, "ci" if lock.is_file() else "install", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done = subprocess.run(command, cwd=project_dir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NeontuiError(f"npm {command[1]} did not finish within {timeout:.0f} s: drizzle-kit is not installed "
                           f"(run `npm {command[1]}` in {project_dir})") from None
    except OSError as exc:
        raise NeontuiError(f"npm could not start ({exc.strerror}): drizzle-kit is not installed") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise NeontuiError(f"npm {command[1]} failed (exit {done.returncode}): {redact(last)}; drizzle-kit is not "
                           f"installed (run `npm {command[1]}` in {project_dir})")
    if lock.is_file():
        marker.write_bytes(lock.read_bytes())
    return True


def first_steps(project_dir: Path) -> list[str]:
    """What a newcomer can try in the demo's console, in order (shown in its log on the first open)."""
    schema = project_dir / "src" / "db" / "schema.ts"
    return ["Welcome to the neontui demo. Things to try:",
            f"  1. edit the schema: {schema} (e.g. rename a column)",
            "  2. press g to run drizzle-kit generate; answer its rename question in the dialog",
            "  3. press d for a dry run: the pending batch in a rolled-back transaction, locks and rewrites",
            "  4. press m to migrate: 0003_billing_email fails on the rows already there (d shows it first)",
            "  5. press P to push the schema directly (development only), ? for every key"]


def default_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "neontui" / "demo"


def create_demo(home: Path | None = None) -> Demo:
    """(Re)create the sample project under `home` and a fresh demo database on the embedded server."""
    home = (home or default_home()).resolve()
    project_dir = home / "project"
    kept = home / "node_modules.kept"  # the installed drizzle-kit survives the recreation: no npm on a rerun
    if (project_dir / "node_modules").is_dir() and not kept.exists():
        (project_dir / "node_modules").rename(kept)
    if project_dir.exists():
        shutil.rmtree(project_dir)
    with as_file(files("neontui") / "sample") as sample:
        shutil.copytree(sample, project_dir)
    if kept.is_dir():
        kept.rename(project_dir / "node_modules")
    server = start_embedded(home / "pgdata")
    with connect(server.url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DEMO_DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DEMO_DATABASE)))
    url = with_database(server.url, DEMO_DATABASE)
    (project_dir / ".env").write_text(f"DATABASE_URL={url}\n")
    journal = read_migrations(project_dir / "drizzle")
    with connect(url) as conn:
        run(conn, journal, DEFAULT_SCHEMA, DEFAULT_TABLE, limit=APPLIED_IN_DEMO)
        with conn.transaction():
            conn.execute(SEED.encode())
    return Demo(project_dir=project_dir, database_url=url, server=server)
