"""The pending batch: what drizzle would run next on the project's database, as read once for the review and the run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from neontui.core.drizzle.journal import Journal, Migration
from neontui.core.safety.model import Source
from neontui.core.schema import Schema

if TYPE_CHECKING:
    import psycopg

    from neontui.core.drizzle.overview import Overview
    from neontui.core.drizzle.project import Project


@dataclass(frozen=True)
class Pending:
    journal: Journal  # as read for this review: the run applies exactly these files
    overview: Overview  # the whole status (journal against ledger) this pending set came from
    migrations: list[Migration]  # what drizzle would run next, in the order it runs them
    sources: list[Source]
    server_version: int
    database: str  # the connected database's name (what a production confirmation asks to type)
    schema: Schema | None  # the live catalog before the batch, read for the review (None until with_schema)



def pending_sources(project: Project, *, with_schema_read: bool = True,
                    on_retry: Callable[[int, str], None] | None = None, deadline: float | None = None) -> Pending:
    """The migrations drizzle would run next, with the server's version and (for the review) the live schema, read
    on one connection; `deadline` bounds it (Settings.connect_deadline)."""
    # Imported here: linting files needs no database driver, and psycopg is most of neontui's start-up time.
    from neontui.core.drizzle.overview import overview_session

    with overview_session(project, on_retry=on_retry, deadline=deadline) as (overview, conn):
        pending = pending_of(overview)
        return with_schema(pending, conn) if with_schema_read else pending


def pending_of(overview: Overview) -> Pending:
    """The pending batch of a status just read (without the live schema: `with_schema` adds it)."""
    migrations = list(overview.status.pending)
    sources = [Source(e.tag, e.text, str(e.path)) for e in migrations if e.text is not None]
    return Pending(overview.journal, overview, migrations, sources, overview.server.version_num,
                   overview.server.database, None)


def with_schema(pending: Pending, conn: psycopg.Connection) -> Pending:
    """`pending` with the live schema read on `conn` (the status's own connection), which makes the review precise
    (a widening is not a rewrite, a validated CHECK lets SET NOT NULL skip its scan)."""
    from neontui.core.db.connect import catalog_reads
    from neontui.core.db.schema_info import read_schema

    with catalog_reads(conn, pending.overview.target):
        return replace(pending, schema=read_schema(conn))
