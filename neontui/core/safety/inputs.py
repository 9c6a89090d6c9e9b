"""What to review: SQL files and migrations folders given on the command line, or a project's pending batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.core.errors import UsageError
from neontui.core.journal import JOURNAL_RELPATH, Journal, Migration, decode_sql, read_journal, read_regular_file
from neontui.core.safety.engine import Source

if TYPE_CHECKING:
    from neontui.core.overview import Overview
    from neontui.core.project import Project


@dataclass(frozen=True)
class Pending:
    journal: Journal  # as read for this review: the run applies exactly these files
    overview: Overview  # the whole status (journal against ledger) this pending set came from
    migrations: list[Migration]  # what drizzle would run next, in journal order
    sources: list[Source]
    server_version: int
    database: str  # the connected database's name (what a production confirmation asks to type)
    column_types: dict[tuple[str, str, str], str]


def sources_from_paths(paths: Sequence[Path]) -> list[Source]:
    """Files in the order given; a folder with a journal in journal order, otherwise its *.sql files sorted."""
    sources: list[Source] = []
    for path in paths:
        if path.is_dir():
            if (path / JOURNAL_RELPATH).exists():
                entries = read_journal(path).entries
                sources.extend(Source(e.tag, e.text, str(e.path)) for e in entries if e.text is not None)
            else:
                sources.extend(_file(p) for p in sorted(path.glob("*.sql")))
        elif path.is_file():
            sources.append(_file(path))
        else:
            raise UsageError(f"{path} does not exist")
    return sources


def pending_sources(project: Project, *, with_columns: bool = True,
                    on_retry: Callable[[int, str], None] | None = None, deadline: float | None = None) -> Pending:
    """The migrations drizzle would run next, with the server's version and (for the review) column types;
    `deadline` bounds each connection (Settings.connect_deadline)."""
    # Imported here: linting files needs no database driver, and psycopg is most of neontui's start-up time.
    from neontui.core.overview import load_overview

    overview = load_overview(project, on_retry=on_retry, deadline=deadline)
    pending = set(overview.status.would_run_next)
    migrations = [e for e in overview.journal.entries if e.tag in pending]
    sources = [Source(e.tag, e.text, str(e.path)) for e in migrations if e.text is not None]
    pending = Pending(overview.journal, overview, migrations, sources, overview.server.version_num,
                      overview.server.database, {})
    return with_column_types(pending, project, deadline=deadline) if with_columns else pending


def with_column_types(pending: Pending, project: Project, *, deadline: float | None = None) -> Pending:
    """`pending` with the live column types, which make the review precise (a widening is not a rewrite)."""
    from neontui.core.connection import catalog_reads, connect
    from neontui.core.schema_info import column_types

    with connect(project.database_url or "", deadline=deadline) as conn, catalog_reads(conn, pending.overview.target):
        return replace(pending, column_types=column_types(conn))


def _file(path: Path) -> Source:
    try:
        return Source(path.stem, decode_sql(read_regular_file(path)), str(path))  # a FIFO never hangs lint
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
