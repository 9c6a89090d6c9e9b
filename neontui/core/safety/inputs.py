"""What to review: SQL files and migrations folders given on the command line, or a project's pending batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.core.errors import UsageError
from neontui.core.journal import JOURNAL_RELPATH, Journal, Migration, decode_sql, read_journal
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
                    on_retry: Callable[[int, str], None] | None = None) -> Pending:
    """The migrations drizzle would run next, with the server's version and (for the review) column types."""
    # Imported here: linting files needs no database driver, and psycopg is most of neontui's start-up time.
    from neontui.core.connection import connect
    from neontui.core.overview import load_overview
    from neontui.core.schema_info import column_types

    overview = load_overview(project, on_retry=on_retry)
    pending = set(overview.status.would_run_next)
    migrations = [e for e in overview.journal.entries if e.tag in pending]
    sources = [Source(e.tag, e.text, str(e.path)) for e in migrations if e.text is not None]
    types: dict[tuple[str, str, str], str] = {}
    if with_columns:
        with connect(project.database_url or "") as conn:
            types = column_types(conn)
    return Pending(overview.journal, overview, migrations, sources, overview.server.version_num,
                   overview.server.database, types)


def _file(path: Path) -> Source:
    try:
        return Source(path.stem, decode_sql(path.read_bytes()), str(path))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
