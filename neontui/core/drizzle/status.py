"""Journal + ledger → one state per migration, and the exact set drizzle would run next."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from neontui.core.drizzle.journal import Journal, Migration
from neontui.core.drizzle.ledger import Ledger, LedgerRow
from neontui.core.errors import ExitCode

STATUS_SCHEMA_VERSION = 1


class State(StrEnum):
    APPLIED = "applied"
    PENDING = "pending"  # drizzle would run it next
    EDITED = "edited"  # applied, but the file's hash differs from the ledger's
    SKIPPED = "skipped"  # not in the ledger and older than the newest row: drizzle 0.x never runs it
    MISSING_FILE = "missing-file"
    LEDGER_ONLY = "ledger-only"  # a ledger row that matches no local migration
    UNLISTED_FILE = "unlisted-file"  # a .sql file the journal does not list


def pending_entries(entries: Sequence[Migration], latest: LedgerRow | None) -> list[Migration]:
    """drizzle-orm's pending rule (docs/compatibility.md#drizzle-pending-rule), the only copy in neontui.

    `latest` is the row of `ORDER BY created_at DESC LIMIT 1` (NULLs sort first, so a NULL row wins), or None
    for a missing or empty table. JavaScript's Number(null) is 0, so a NULL row makes every entry pending.
    Hash, tag and row count are never consulted; journal order is kept.
    """
    if latest is None:
        return list(entries)
    high = latest.created_at if latest.created_at is not None else 0
    return [e for e in entries if high < e.when]


@dataclass
class MigrationStatus:
    state: State
    tag: str | None
    idx: int | None = None
    when: int | None = None
    hash: str | None = None
    file: str | None = None
    statements: int = 0
    ledger_id: int | None = None
    ledger_hash: str | None = None
    ledger_created_at: int | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "idx": self.idx, "tag": self.tag, "state": str(self.state), "when": self.when, "hash": self.hash,
            "file": self.file, "statements": self.statements,
            "ledger": None if self.ledger_id is None else {
                "id": self.ledger_id, "hash": self.ledger_hash, "created_at": self.ledger_created_at},
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    tag: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "tag": self.tag, "message": self.message}


@dataclass
class Status:
    migrations: list[MigrationStatus]
    would_run_next: list[str]
    problems: list[Problem]
    ledger: Ledger

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(str(m.state) for m in self.migrations)
        return {str(s): counted.get(str(s), 0) for s in State}

    @property
    def exit_code(self) -> ExitCode:
        if self.problems:
            return ExitCode.PROBLEMS
        return ExitCode.PENDING if self.would_run_next else ExitCode.OK

    def summary_json(self) -> dict[str, Any]:
        return {
            "journal_entries": sum(1 for m in self.migrations if m.when is not None),
            "counts": self.counts,
            "would_run_next": self.would_run_next,
            "problems": [p.to_json() for p in self.problems],
            "exit_code": int(self.exit_code),
        }


def compute_status(journal: Journal, ledger: Ledger) -> Status:
    entries = journal.entries
    pending = pending_entries(entries, ledger.latest if ledger.exists else None)
    pending_positions = {e.position for e in pending}
    rows_by_when: dict[int | None, list[LedgerRow]] = defaultdict(list)
    rows_by_hash: dict[str, list[LedgerRow]] = defaultdict(list)
    for known in ledger.rows:
        rows_by_when[known.created_at].append(known)
        rows_by_hash[known.hash].append(known)
    matched_rows: set[int] = set()
    problems: list[Problem] = []
    items: list[MigrationStatus] = []

    for entry in entries:
        item = MigrationStatus(state=State.PENDING, tag=entry.tag, idx=entry.idx, when=entry.when,
                               hash=entry.hash, file=str(entry.path), statements=len(entry.statements))
        same_when = rows_by_when.get(entry.when, [])
        exact = next((r for r in same_when if r.hash == entry.hash), None)
        by_hash = next(iter(rows_by_hash.get(entry.hash or "", [])), None)
        row = exact or (same_when[0] if same_when else None) or by_hash
        if row is not None:
            matched_rows.update(r.id for r in (exact, *same_when, by_hash) if r is not None)
            item.ledger_id, item.ledger_hash, item.ledger_created_at = row.id, row.hash, row.created_at

        if not entry.exists:
            item.state = State.MISSING_FILE
            problems.append(Problem("missing-file", f"{entry.tag}: {entry.path} does not exist; drizzle-kit migrate "
                                                    "fails before applying anything (\"No file … found\")", entry.tag))
        elif entry.position in pending_positions:
            item.state = State.PENDING
            if row is not None:
                item.notes.append(f"already recorded in the ledger (id {row.id}); drizzle will run it again")
                problems.append(Problem("rerun", f"{entry.tag} is recorded in the ledger (id {row.id}) but drizzle "
                                                 "would run it again", entry.tag))
        elif exact is not None:
            item.state = State.APPLIED
        elif same_when:
            item.state = State.EDITED
            item.notes.append(f"file hash {_short(entry.hash)} differs from the ledger's {_short(same_when[0].hash)}")
            problems.append(Problem("edited", f"{entry.tag} was edited after it was applied (file {_short(entry.hash)},"
                                              f" ledger {_short(same_when[0].hash)}); drizzle will not run it again",
                                    entry.tag))
        elif by_hash is not None:
            item.state = State.APPLIED
            item.notes.append(f"recorded with created_at {by_hash.created_at}, the journal says when {entry.when}")
        else:
            item.state = State.SKIPPED
            latest = ledger.latest.created_at if ledger.latest else None
            problems.append(Problem("skipped", f"{entry.tag} (when {entry.when}) is not in the ledger and older than "
                                               f"its newest row (created_at {latest}): drizzle will never run it",
                                    entry.tag))
        items.append(item)

    for row in ledger.rows:
        if row.id not in matched_rows:
            items.append(MigrationStatus(state=State.LEDGER_ONLY, tag=row.name, hash=row.hash, ledger_id=row.id,
                                         ledger_hash=row.hash, ledger_created_at=row.created_at))
            problems.append(Problem("ledger-only", f"ledger row id {row.id} (hash {_short(row.hash)}, created_at "
                                                   f"{row.created_at}) matches no local migration"))
    for path in journal.unlisted_files:
        items.append(MigrationStatus(state=State.UNLISTED_FILE, tag=path.stem, file=str(path)))
        problems.append(Problem("unlisted-file", f"{path.name} is not in meta/_journal.json: drizzle never runs it",
                                path.stem))

    problems.extend(_ledger_problems(ledger))
    problems.extend(Problem(i.code, i.message, i.tag) for i in journal.issues)
    return Status(migrations=items, would_run_next=[e.tag for e in pending], problems=problems, ledger=ledger)


def _ledger_problems(ledger: Ledger) -> list[Problem]:
    found = []
    for row in ledger.rows:
        if row.created_at is None:
            found.append(Problem("null-created-at", f"ledger row id {row.id} has a NULL created_at: drizzle then "
                                                    "treats every migration as pending and runs all of them again"))
    repeated = Counter((r.hash, r.created_at) for r in ledger.rows)
    for (row_hash, created_at), n in repeated.items():
        if n > 1:
            found.append(Problem("duplicate-row", f"{n} ledger rows record hash {_short(row_hash)} at created_at "
                                                  f"{created_at}: a migration was applied twice (concurrent runs?)"))
    return found


def _short(digest: str | None) -> str:
    return (digest or "")[:12]
