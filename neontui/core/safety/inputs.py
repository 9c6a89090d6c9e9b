"""What to review from files: SQL files and migrations folders given on the command line (the project's pending
batch is neontui.core.gate.pending)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from neontui.core.drizzle.folders import has_folders
from neontui.core.drizzle.journal import JOURNAL_RELPATH, decode_sql, read_regular_file
from neontui.core.drizzle.layout import read_migrations
from neontui.core.errors import JournalError, UsageError
from neontui.core.safety.model import Source


def sources_from_paths(paths: Sequence[Path]) -> list[Source]:
    """Files in the order given; a migrations folder (a 0.x journal or 1.0 folders) in the order drizzle applies it,
    any other folder its *.sql files sorted. A folder that yields nothing to review is a JournalError (exit 3):
    a review of zero migrations must never pass."""
    sources: list[Source] = []
    for path in paths:
        if path.is_dir():
            if (path / JOURNAL_RELPATH).exists() or has_folders(path):
                entries = read_migrations(path).entries
                found = [Source(e.tag, e.text, str(e.path)) for e in entries if e.text is not None]
            else:
                found = [_file(p) for p in sorted(path.glob("*.sql"))]
            if not found:
                raise JournalError(f"{path}: no migrations to review: no {JOURNAL_RELPATH}, no "
                                   "<YYYYMMDDHHMMSS>_<name>/migration.sql folders and no *.sql files",
                                   hint="pass the project's migrations folder (drizzle.config's out)")
            sources.extend(found)
        elif path.is_file():
            sources.append(_file(path))
        else:
            raise UsageError(f"{path} does not exist")
    return sources


def _file(path: Path) -> Source:
    try:
        return Source(path.stem, decode_sql(read_regular_file(path)), str(path))  # a FIFO never hangs lint
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
