"""What to review from files: SQL files and migrations folders given on the command line (the project's pending
batch is neontui.core.gate.pending)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from neontui.core.drizzle.journal import JOURNAL_RELPATH, decode_sql, read_journal, read_regular_file
from neontui.core.errors import UsageError
from neontui.core.safety.engine import Source


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


def _file(path: Path) -> Source:
    try:
        return Source(path.stem, decode_sql(read_regular_file(path)), str(path))  # a FIFO never hangs lint
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
