"""`lint`: the safety review of migration files, or of a project's pending batch as its database sees it (the
server's version and the columns' types); changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from neontui.core.drizzle.project import Project
from neontui.core.gate.pending import pending_sources
from neontui.core.safety import Review, RunMode, Source, analyze
from neontui.core.safety.inputs import sources_from_paths
from neontui.core.sql.versions import LATEST


@dataclass
class Linted:
    review: Review
    sources: list[Source]  # in review order: the front names each finding's file from them


def lint(target: Project | Sequence[Path], *, mode: RunMode = RunMode.TRANSACTION, pg_version: int | None = None,
         enable: Iterable[str] = (), advisory: bool = False, deadline: float | None = None) -> Linted:
    """`target`: files and folders reviewed as one run, or a project whose pending migrations are read from its
    database (`deadline` bounds the connection). `pg_version` None: the connected server's, else the newest."""
    columns = None
    if isinstance(target, Project):
        pending = pending_sources(target, deadline=deadline)
        sources, columns = pending.sources, pending.column_types
        pg_version = pg_version or pending.server_version
    else:
        sources = sources_from_paths(target)
    review = analyze(sources, mode=mode, pg_version=pg_version or LATEST, enable=enable, advisory=advisory,
                     known_columns=columns)
    return Linted(review, sources)
