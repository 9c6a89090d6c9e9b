"""What drizzle's migrator would run next: the pending rule of the line that runs, the only copies in neontui.

- 0.x (a journal): a high-water mark. Every entry whose `when` is newer than the ledger's newest `created_at`.
- 1.0 (folders): name membership. Every folder whose name is not among the ledger's non-NULL names, so an older
  folder merged late *does* run, and a row with a NULL name matches nothing.
- 1.0 on a 0.x ledger: the migrator first upgrades the table in place, naming each row after the folder it matches
  (`predict_v1_upgrade`); a row that matches nothing makes it throw before anything runs.

See docs/compatibility.md#drizzle-pending-rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from neontui.core.drizzle.journal import Journal, Migration
from neontui.core.drizzle.ledger import Ledger, LedgerRow


def pending_entries(journal: Journal, ledger: Ledger | None) -> list[Migration]:
    """The migrations drizzle would run next, in the order it runs them; `ledger` None or absent is a fresh
    database. For a 1.0 folder on a 0.x ledger whose upgrade would throw, nothing runs: []."""
    if not journal.is_folders:
        exists = ledger is not None and ledger.exists
        return high_water_pending(journal.entries, ledger.latest if exists and ledger else None)
    return folder_plan(journal, ledger)[0]


def folder_plan(journal: Journal, ledger: Ledger | None) -> tuple[list[Migration], V1Upgrade | None]:
    """drizzle 1.0 on folders: what runs next, and the in-place upgrade a 0.x ledger gets first (None on a v1 or
    absent ledger). The upgrade is predicted once here for status and the run alike."""
    if ledger is None or not ledger.exists:
        return list(journal.entries), None
    if ledger.is_v1:
        return name_pending(journal.entries, ledger.rows), None
    upgrade = predict_v1_upgrade(journal.entries, ledger.rows)
    if upgrade.unmatched:
        return [], upgrade
    return name_pending(upgrade.order, upgrade.upgraded_rows(ledger.rows)), upgrade


def high_water_pending(entries: Sequence[Migration], latest: LedgerRow | None) -> list[Migration]:
    """drizzle-orm 0.x: `latest` is the row of `ORDER BY created_at DESC LIMIT 1` (NULLs sort first, so a NULL row
    wins), or None for a missing or empty table. JavaScript's Number(null) is 0, so a NULL row makes every entry
    pending. Hash, tag and row count are never consulted; journal order is kept."""
    if latest is None:
        return list(entries)
    high = latest.created_at if latest.created_at is not None else 0
    return [e for e in entries if high < e.when]


def name_pending(entries: Sequence[Migration], rows: Sequence[LedgerRow]) -> list[Migration]:
    """drizzle-orm 1.0's getMigrationsToRun: local migrations whose name no ledger row carries."""
    names = {r.name for r in rows if r.name is not None}
    return [e for e in entries if e.tag not in names]


@dataclass(frozen=True)
class V1Upgrade:
    """What drizzle 1.0's first migrate does to a 0.x ledger (drizzle-orm up-migrations/pg.ts)."""

    names: dict[int, str]  # ledger row id → the folder name it will carry
    unmatched: list[int]  # row ids that match no folder: the upgrade throws, nothing is changed or run
    order: list[Migration] = field(default_factory=list)  # local migrations in the order the upgrade sorts them

    def upgraded_rows(self, rows: Sequence[LedgerRow]) -> list[LedgerRow]:
        return [LedgerRow(r.id, r.hash, r.created_at, self.names.get(r.id), None) for r in rows]


def predict_v1_upgrade(entries: Sequence[Migration], rows: Sequence[LedgerRow]) -> V1Upgrade:
    """Match each 0.x row (in id order) to a folder: by `created_at` cut to the second (its decimal digits with the
    last three replaced by zeros) when exactly one folder has that second, by hash among several, and by hash alone
    when none has it; with several folders of one hash the last in order wins, as in drizzle's Map."""
    order = sorted(entries, key=lambda e: (e.when, e.tag))
    by_second: dict[int, list[Migration]] = defaultdict(list)
    by_hash: dict[str | None, Migration] = {}
    for entry in order:
        by_second[entry.when].append(entry)
        by_hash[entry.hash] = entry
    names: dict[int, str] = {}
    unmatched: list[int] = []
    for row in sorted(rows, key=lambda r: r.id):
        candidates = by_second.get(_second(row.created_at), []) if row.created_at is not None else []
        if len(candidates) == 1:
            matched: Migration | None = candidates[0]
        elif candidates:
            matched = next((c for c in candidates if c.hash == row.hash), None)
        else:
            matched = by_hash.get(row.hash)
        if matched is None:
            unmatched.append(row.id)
        else:
            names[row.id] = matched.tag
    return V1Upgrade(names, unmatched, order)


def _second(created_at: int) -> int:
    """drizzle's `Number(String(created_at).substring(0, length - 3) + "000")`."""
    digits = str(created_at)
    head = digits[:-3] if len(digits) > 3 else ""
    return 0 if head == "-" else int(head + "000")
