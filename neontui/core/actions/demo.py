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


def install_drizzle_kit(project_dir: Path, *, timeout: float = 300) -> None:
    """`npm install` the sample's pinned drizzle-kit, drizzle-orm and pg, so generate, push and studio work too."""
    npm = shutil.which("npm")
    if npm is None:
        raise NeontuiError("npm is not installed: the demo works without drizzle-kit, but generate, push and "
                           "studio need node and npm")
    try:
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=project_dir,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NeontuiError(f"npm install did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise NeontuiError(f"npm install failed (exit {done.returncode}): {last}")


def default_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "neontui" / "demo"


def create_demo(home: Path | None = None) -> Demo:
    """(Re)create the sample project under `home` and a fresh demo database on the embedded server."""
    home = (home or default_home()).resolve()
    project_dir = home / "project"
    if project_dir.exists():
        shutil.rmtree(project_dir)
    with as_file(files("neontui") / "sample") as sample:
        shutil.copytree(sample, project_dir)
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



