"""Everything `status` knows about a project and its database, loaded in one call (CLI and console share it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neontui import __version__
from neontui.core.db.connect import ServerInfo, catalog_reads, connect, server_info
from neontui.core.db.url import DbUrl, direct_url, parse_url
from neontui.core.drizzle.journal import Journal
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.ledger import ledger_version, read_ledger
from neontui.core.drizzle.project import Project
from neontui.core.drizzle.status import STATUS_SCHEMA_VERSION, Status, compute_status
from neontui.core.errors import ConfigError

if TYPE_CHECKING:
    import psycopg


@dataclass
class Overview:
    project: Project
    target: DbUrl
    server: ServerInfo
    journal: Journal
    status: Status
    # The installed drizzle-kit/drizzle-orm and the project's line (kit.versions.KitVersions.to_json), when the
    # caller looked (actions.status does; the core never starts node or reads node_modules itself).
    drizzle: dict[str, Any] | None = None

    @property
    def direct_switch(self) -> str | None:
        """Why migrations will not use the configured (pooled) endpoint, or None when they will."""
        return direct_url(self.target.raw)[1]

    def to_json(self) -> dict[str, Any]:
        """The `neontui status --json` document (schema documented in README.md, "status --json")."""
        ledger = self.status.ledger
        return {
            "schema_version": STATUS_SCHEMA_VERSION,
            "neontui_version": __version__,
            "project": {
                "config": str(self.project.config.path),
                "root": str(self.project.config.root),
                "out": str(self.project.out_dir),
                "layout": self.journal.layout,
                "journal": None if self.journal.is_folders else str(self.journal.path),
                "journal_version": self.journal.version,
                "dialect": self.journal.dialect,
            },
            "drizzle": self.drizzle,
            "database": {
                "url": self.target.masked(),
                "url_origin": self.project.url_origin,
                "target": self.target.display_target(),
                "neon": self.server.is_neon,
                "pooled": self.target.is_pooled,
                "direct_switch": self.direct_switch,
                "endpoint_id": self.target.endpoint_id,
                "database": self.server.database,
                "user": self.server.user,
                "server_version": self.server.version,
                "server_version_num": self.server.version_num,
            },
            "ledger": {
                "table": ledger.qualified_name,
                "exists": ledger.exists,
                "format": ("1.0" if ledger.is_v1 else "0.x") if ledger.exists else None,
                "version": ledger_version(ledger),
                "rows": len(ledger.rows),
                "latest_created_at": ledger.latest.created_at if ledger.latest else None,
                "upgrade": _upgrade_json(self.status),
            },
            "migrations": [m.to_json() for m in self.status.migrations],
            "summary": self.status.summary_json(),
        }


def _upgrade_json(status: Status) -> dict[str, Any] | None:
    """A 0.x ledger under 1.0 folders: the rows the first 1.0 migrate renames (id → folder) and those that make it
    throw."""
    upgrade = status.upgrade
    if upgrade is None:
        return None
    return {"names": {str(i): name for i, name in upgrade.names.items()}, "unmatched": upgrade.unmatched,
            "throws": bool(upgrade.unmatched)}


def load_overview(project: Project, *, on_retry: Callable[[int, str], None] | None = None,
                  deadline: float | None = None, cached_facts: bool = False) -> Overview:
    """Read the journal (first, so a broken project fails before any network wait), then the ledger; `deadline`
    bounds the connection (Settings.connect_deadline). `cached_facts`: a read only shown (`neontui status`), so
    unchanged files come from the file-facts cache (layout.read_migrations); a run's read never sets it."""
    with overview_session(project, on_retry=on_retry, deadline=deadline, cached_facts=cached_facts) as (overview, _):
        return overview


@contextmanager
def overview_session(project: Project, *, on_retry: Callable[[int, str], None] | None = None,
                     deadline: float | None = None,
                     cached_facts: bool = False) -> Iterator[tuple[Overview, psycopg.Connection]]:
    """`load_overview`, and the connection it read the ledger on, open until the block ends: what reads more after
    the status (the gate's live schema) does it on the same connection, not on a second one."""
    dialect = project.config.dialect
    if dialect is not None and dialect != "postgresql":
        raise ConfigError(f"{project.config.path.name} says dialect: {dialect!r}; neontui works with PostgreSQL "
                          "projects (dialect: 'postgresql')")
    if not project.database_url:
        raise ConfigError(f"no database URL: {project.url_origin}",
                          hint="set it in .env / the environment, or pass --url")
    target = parse_url(project.database_url)
    journal = read_migrations(project.out_dir, cached_facts=cached_facts)
    with connect(project.database_url, on_retry=on_retry, deadline=deadline) as conn:
        with catalog_reads(conn, target):
            server = server_info(conn, target)
            ledger = read_ledger(conn, project.ledger_schema, project.ledger_table)
        yield Overview(project=project, target=target, server=server, journal=journal,
                       status=compute_status(journal, ledger)), conn
