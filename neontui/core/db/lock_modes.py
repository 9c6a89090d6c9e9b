"""PostgreSQL's table-level lock modes: their order and what each one blocks (the one place for both facts).

The conflict table is the documentation's ("Explicit Locking", Table 13.2). Names are pg_locks' (`AccessExclusiveLock`),
which is what the observed and the predicted locks both use. No driver import: the review reads these offline.
"""

from __future__ import annotations

from collections.abc import Iterable

# Strongest first, so a merged mode string starts with the one that matters.
LOCK_MODES = (
    "AccessExclusiveLock", "ExclusiveLock", "ShareRowExclusiveLock", "ShareLock", "ShareUpdateExclusiveLock",
    "RowExclusiveLock", "RowShareLock", "AccessShareLock",
)
_RANK = {mode: i for i, mode in enumerate(LOCK_MODES)}

# mode → the modes it conflicts with (symmetric), from PostgreSQL's conflict table.
CONFLICTS: dict[str, frozenset[str]] = {
    "AccessShareLock": frozenset({"AccessExclusiveLock"}),
    "RowShareLock": frozenset({"ExclusiveLock", "AccessExclusiveLock"}),
    "RowExclusiveLock": frozenset({"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}),
    "ShareUpdateExclusiveLock": frozenset({"ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
                                           "ExclusiveLock", "AccessExclusiveLock"}),
    "ShareLock": frozenset({"RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareRowExclusiveLock", "ExclusiveLock",
                            "AccessExclusiveLock"}),
    "ShareRowExclusiveLock": frozenset({"RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
                                        "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}),
    "ExclusiveLock": frozenset(set(LOCK_MODES) - {"AccessShareLock"}),
    "AccessExclusiveLock": frozenset(LOCK_MODES),
}

# What an application notices while a migration holds the mode: its plain SELECTs take ACCESS SHARE, its writes
# ROW EXCLUSIVE, SELECT … FOR UPDATE/SHARE ROW SHARE; the rest is other migrations' and maintenance's work.
_BLOCKS = {
    "AccessExclusiveLock": "reads and writes",
    "ExclusiveLock": "writes and SELECT … FOR UPDATE (plain reads go on)",
    "ShareRowExclusiveLock": "writes (reads go on)",
    "ShareLock": "writes (reads go on)",
    "ShareUpdateExclusiveLock": "schema changes, VACUUM and index builds (reads and writes go on)",
    "RowExclusiveLock": "index builds and table-wide locks (reads and writes go on)",
    "RowShareLock": "EXCLUSIVE and ACCESS EXCLUSIVE locks only",
    "AccessShareLock": "ACCESS EXCLUSIVE locks only (DROP, most ALTER TABLE)",
}


def rank(mode: str) -> int:
    """0 for the strongest mode; unknown modes sort after every known one."""
    return _RANK.get(mode, len(LOCK_MODES))


def strongest_mode(modes: Iterable[str]) -> str | None:
    return min(modes, key=lambda m: (rank(m), m), default=None)


def conflicts(held: str, wanted: str) -> bool:
    """Would a session asking for `wanted` wait for one holding `held` (on the same table)?"""
    return wanted in CONFLICTS.get(held, frozenset())


def blocks(mode: str) -> str:
    """What a session holding `mode` on a table blocks, in words."""
    return _BLOCKS.get(mode, "unknown lock mode")
