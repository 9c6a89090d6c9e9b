"""What undoing one statement gives: SQL, or the reason it cannot be undone and how to recover."""

from __future__ import annotations

from dataclasses import dataclass

RESTORE = "restore from a restore point or a Neon branch"
RECREATE = "recreate it from the previous migration's definition"
PRE_EXISTED = "created with IF NOT EXISTS: it may have existed before this migration; check before dropping"


@dataclass(frozen=True)
class Undo:
    sql: str | None = None
    irreversible: str | None = None
    note: str | None = None


def lost(reason: str) -> Undo:
    return Undo(irreversible=reason)


def noop(note: str) -> Undo:
    return Undo(note=note)
