"""`lint`: the safety review, with the best description of the schema before the migrations that is at hand; changes
nothing.

- the project's pending batch: one run, against the live database (its server version and catalog);
- files with a database URL: one run, against that database's catalog;
- a migrations folder, or files inside one: each migration alone against the schema before it, from drizzle's
  snapshots and the earlier migrations (core.safety.history), so that no database is needed; `since` (a git ref)
  and `after` (a tag) narrow it to the newer migrations;
- loose files: one run, assuming every table they do not create exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.core.drizzle.folders import has_folders
from neontui.core.drizzle.journal import JOURNAL_RELPATH, Journal
from neontui.core.drizzle.layout import read_migrations
from neontui.core.errors import UsageError
from neontui.core.safety import Review, RunMode, Source, analyze
from neontui.core.safety.inputs import sources_from_paths
from neontui.core.sql.versions import LATEST

# Linting a file reads no project, no database and no history: what those need is imported where they are used
# (the project's config reader, the gate and the schema replay cost ~0.1 s of start-up together).
if TYPE_CHECKING:
    from neontui.core.drizzle.project import Project
    from neontui.core.schema import Schema


@dataclass
class Linted:
    review: Review
    sources: list[Source]  # in review order: the front names each finding's file from them
    selected_nothing: str | None = None  # why no migration was reviewed (`since`/`after` found none newer)


@dataclass(frozen=True)
class Newer:
    """Only the migrations after a point: `since` a git ref (those it does not have), or `after` a tag."""

    since: str | None = None
    after: str | None = None


def lint(target: Project | Sequence[Path], *, mode: RunMode = RunMode.TRANSACTION, pg_version: int | None = None,
         enable: Iterable[str] = (), advisory: bool = False, deadline: float | None = None, url: str | None = None,
         newer: Newer | None = None) -> Linted:
    """`target`: a project whose pending migrations are read from its database (`deadline` bounds the connection),
    or files and folders. `url`: review the files against that database's catalog. `newer`: review only the newer
    migrations of the one folder `target` names (a project: its migrations folder). `pg_version` None: the
    connected server's, else the newest."""
    options = {"mode": mode, "enable": enable, "advisory": advisory}
    if newer is not None:
        journal = _journal(target)
        return _history(journal, _selected(journal, newer), pg_version=pg_version or LATEST, **options)
    if not isinstance(target, Sequence):  # a Project (not imported here: see above)
        from neontui.core.gate.pending import pending_sources

        pending = pending_sources(target, deadline=deadline)
        return _run(pending.sources, pending.schema, pg_version or pending.server_version, options)
    if url is not None:
        if any(p.is_dir() for p in target):
            raise UsageError("--url reviews files against that database's schema, not a folder",
                             hint="for the folder's migrations the database has not applied, use --pending; "
                                  "without --url each migration is reviewed against the schema before it")
        schema, server_version = live_schema(url, deadline)
        return _run(sources_from_paths(target), schema, pg_version or server_version, options)
    within, tags = _within_one_folder(target)
    if within is not None:
        return _history(within, tags, pg_version=pg_version or LATEST, **options)
    return _run(sources_from_paths(target), None, pg_version or LATEST, options)


def live_schema(url: str, deadline: float | None) -> tuple[Schema, int]:
    """The catalog of the database at `url` and its server version, read under the catalog limits."""
    from neontui.core.db.connect import catalog_reads, connect, server_info
    from neontui.core.db.schema_info import read_schema
    from neontui.core.db.url import parse_url

    with connect(url, deadline=deadline) as conn, catalog_reads(conn, parse_url(url)):
        return read_schema(conn), server_info(conn).version_num


def _run(sources: list[Source], schema: Schema | None, pg_version: int, options: dict[str, object]) -> Linted:
    return Linted(analyze(sources, schema=schema, pg_version=pg_version, **options), sources)


def _history(journal: Journal, tags: list[str] | None, **options: object) -> Linted:
    chosen = [e for e in journal.entries if e.text is not None and (tags is None or e.tag in tags)]
    sources = [Source(e.tag, e.text or "", str(e.path)) for e in chosen]
    if not sources:
        empty = analyze([], **options)
        return Linted(empty, [], selected_nothing="no migration is newer" if tags is not None else "no migration")
    from neontui.core.safety.history import review_history

    return Linted(review_history(journal, {s.tag for s in sources}, **options), sources)


def _journal(target: Project | Sequence[Path]) -> Journal:
    if not isinstance(target, Sequence):
        return read_migrations(target.out_dir)
    folders = [p for p in target if p.is_dir()]
    if len(target) != 1 or len(folders) != 1 or not _is_migrations_folder(folders[0]):
        raise UsageError("--since and --after review one migrations folder: pass exactly one (or none, for the "
                         "project's own)")
    return read_migrations(folders[0])


def _selected(journal: Journal, newer: Newer) -> list[str]:
    tags = [e.tag for e in journal.entries]
    if newer.after is not None:
        # the whole tag, or its number alone ("0165"), as rollback-sql takes it
        matches = [i for i, t in enumerate(tags) if newer.after in (t, t.split("_", 1)[0])]
        if len(matches) != 1:
            raise UsageError(f"--after {newer.after}: " + ("no such migration" if not matches else "more than one "
                             "migration has that number") + f" in {journal.folder}",
                             hint=f"the last one is {tags[-1]}" if tags else "the folder has no migrations")
        return tags[matches[0] + 1:]
    from neontui.core.drizzle.added import added_since

    return added_since(journal, newer.since or "HEAD")


def _within_one_folder(paths: Sequence[Path]) -> tuple[Journal | None, list[str] | None]:
    """A migrations folder (all of it), or files that are all migrations of one folder (those), else (None, None)."""
    if len(paths) == 1 and paths[0].is_dir():
        return (read_migrations(paths[0]), None) if _is_migrations_folder(paths[0]) else (None, None)
    if not paths or not all(p.is_file() and p.suffix == ".sql" for p in paths):
        return None, None
    folder = {_migrations_folder_of(p) for p in paths}
    if len(folder) != 1 or (out := folder.pop()) is None:
        return None, None
    journal = read_migrations(out)
    by_path = {e.path.resolve(): e.tag for e in journal.entries}
    tags = [by_path.get(p.resolve()) for p in paths]
    return (journal, [t for t in tags if t]) if all(tags) else (None, None)


def _migrations_folder_of(path: Path) -> Path | None:
    """The 0.x folder holding `<tag>.sql`, or the 1.0 folder holding `<folder>/migration.sql`."""
    for candidate in (path.parent, path.parent.parent):
        if _is_migrations_folder(candidate):
            return candidate
    return None


def _is_migrations_folder(path: Path) -> bool:
    return (path / JOURNAL_RELPATH).exists() or bool(has_folders(path))
