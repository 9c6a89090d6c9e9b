"""Migrations + ledger → one state per migration, and the exact set drizzle would run next.

Two rules, one per drizzle line (core/drizzle/pending.py): a 0.x journal is judged by the high-water mark, 1.0
folders by name membership. neontui's own `edited` detection compares hashes for both, though neither drizzle does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from neontui.core.drizzle.folders import locale_key
from neontui.core.drizzle.journal import Journal, Migration
from neontui.core.drizzle.ledger import Ledger, LedgerRow
from neontui.core.drizzle.pending import V1Upgrade, folder_plan, pending_entries
from neontui.core.errors import ExitCode

STATUS_SCHEMA_VERSION = 1


class State(StrEnum):
    APPLIED = "applied"
    PENDING = "pending"  # drizzle would run it next
    EDITED = "edited"  # applied, but the file's hash differs from the ledger's
    SKIPPED = "skipped"  # not in the ledger and older than the newest row: drizzle 0.x never runs it (1.0 does)
    MISSING_FILE = "missing-file"
    LEDGER_ONLY = "ledger-only"  # a ledger row that matches no local migration
    UNLISTED_FILE = "unlisted-file"  # a .sql file the journal does not list


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
    ledger_name: str | None = None
    notes: list[str] = field(default_factory=list)

    def record(self, row: LedgerRow) -> None:
        self.ledger_id, self.ledger_hash, self.ledger_created_at, self.ledger_name = (
            row.id, row.hash, row.created_at, row.name)

    def to_json(self) -> dict[str, Any]:
        return {
            "idx": self.idx, "tag": self.tag, "state": str(self.state), "when": self.when, "hash": self.hash,
            "file": self.file, "statements": self.statements,
            "ledger": None if self.ledger_id is None else {
                "id": self.ledger_id, "hash": self.ledger_hash, "created_at": self.ledger_created_at,
                "name": self.ledger_name},
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
    # A 0.x ledger under 1.0 folders: what the first 1.0 migrate will do to it (None otherwise).
    upgrade: V1Upgrade | None = None
    pending: list[Migration] = field(default_factory=list)  # would_run_next's migrations, in the order they run

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
    status = _folders_status(journal, ledger) if journal.is_folders else _journal_status(journal, ledger)
    status.problems.extend(_ledger_problems(ledger))
    status.problems.extend(Problem(i.code, i.message, i.tag) for i in journal.issues)
    return status


def _journal_status(journal: Journal, ledger: Ledger) -> Status:
    """drizzle 0.x: the journal's entries against the high-water mark."""
    entries = journal.entries
    pending = pending_entries(journal, ledger)
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
                               hash=entry.hash, file=str(entry.path), statements=entry.statement_count)
        same_when = rows_by_when.get(entry.when, [])
        exact = next((r for r in same_when if r.hash == entry.hash), None)
        by_hash = next(iter(rows_by_hash.get(entry.hash or "", [])), None)
        row = exact or (same_when[0] if same_when else None) or by_hash
        if row is not None:
            matched_rows.update(r.id for r in (exact, *same_when, by_hash) if r is not None)
            item.record(row)

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

    _ledger_only(ledger, matched_rows, items, problems)
    _unlisted(journal, items, problems)
    return Status(migrations=items, would_run_next=[e.tag for e in pending], problems=problems, ledger=ledger,
                  pending=pending)


def _folders_status(journal: Journal, ledger: Ledger) -> Status:
    """drizzle 1.0: each folder by name against the ledger (after the in-place upgrade a 0.x ledger gets first)."""
    items: list[MigrationStatus] = []
    problems: list[Problem] = []
    pending, upgrade = folder_plan(journal, ledger)
    rows = list(ledger.rows) if upgrade is None else upgrade.upgraded_rows(ledger.rows)
    if upgrade is not None and upgrade.unmatched:
        ids = ", ".join(str(i) for i in upgrade.unmatched)
        problems.append(Problem(
            "upgrade-unmatched",
            f"the ledger is drizzle 0.x's: the first drizzle 1.0 migrate names each row after its folder, and "
            f"row(s) id {ids} match no folder, so it throws (\"missing from the local environment\") before "
            "running anything; restore the missing folders, or delete those rows once you know why they are "
            "there"))
    pending_tags = {e.tag for e in pending}
    by_name = {r.name: r for r in rows if r.name is not None}
    recorded = {r.id: r for r in ledger.rows}  # as the table holds them now (before any upgrade)
    unnamed: dict[str | None, LedgerRow] = {}  # the first row without a name per hash: drizzle 1.0 matches nothing
    for r in rows:
        if r.name is None:
            unnamed.setdefault(r.hash, r)
    # entries are in the migrator's order, so the last applied one is the newest
    newest_applied = next((e.tag for e in reversed(journal.entries) if e.tag in by_name), None)
    matched: set[int] = set()
    for entry in journal.entries:
        item = MigrationStatus(state=State.PENDING, tag=entry.tag, when=entry.when, hash=entry.hash,
                               file=str(entry.path), statements=entry.statement_count)
        row = by_name.get(entry.tag)
        if row is not None:
            matched.add(row.id)
            item.record(recorded[row.id])
            if upgrade is not None:
                item.notes.append(f"the 1.0 upgrade names ledger row id {row.id} after this folder")
            item.state = State.APPLIED if row.hash == entry.hash else State.EDITED
            if item.state is State.EDITED:
                item.notes.append(f"file hash {_short(entry.hash)} differs from the ledger's {_short(row.hash)}")
                problems.append(Problem("edited", f"{entry.tag} was edited after it was applied (file "
                                                  f"{_short(entry.hash)}, ledger {_short(row.hash)}); drizzle will "
                                                  "not run it again", entry.tag))
        elif entry.tag in pending_tags:
            _pending_notes(entry.tag, newest_applied, unnamed.get(entry.hash), item, problems, matched)
        items.append(item)
    for folder in journal.folders.empty_folders if journal.folders else ():
        items.append(MigrationStatus(state=State.MISSING_FILE, tag=folder.name,
                                     file=str(folder / "migration.sql")))
    _ledger_only(ledger, matched, items, problems)
    _unlisted(journal, items, problems)
    return Status(migrations=items, would_run_next=[e.tag for e in pending], problems=problems, ledger=ledger,
                  upgrade=upgrade, pending=pending)


def _pending_notes(tag: str, newest_applied: str | None, unnamed: LedgerRow | None, item: MigrationStatus,
                   problems: list[Problem], matched: set[int]) -> None:
    """Why a pending 1.0 folder is pending when it might look applied: an older folder than the newest applied one
    (it runs, out of order), or a row with its hash but no name (drizzle runs it again)."""
    if newest_applied is not None and locale_key(tag) < locale_key(newest_applied):
        item.notes.append(f"out of order: older than {newest_applied}, which is applied; drizzle 1.0 runs it anyway "
                          "(0.x would have skipped it)")
    if unnamed is not None:
        matched.add(unnamed.id)
        item.record(unnamed)
        item.notes.append(f"ledger row id {unnamed.id} has this file's hash but no name: drizzle 1.0 runs it again")
        problems.append(Problem("rerun", f"{tag} is recorded in the ledger (id {unnamed.id}) without a name, so "
                                         "drizzle 1.0 would run it again", tag))


def _ledger_only(ledger: Ledger, matched: set[int], items: list[MigrationStatus], problems: list[Problem]) -> None:
    for row in ledger.rows:
        if row.id not in matched:
            items.append(MigrationStatus(state=State.LEDGER_ONLY, tag=row.name, hash=row.hash, ledger_id=row.id,
                                         ledger_hash=row.hash, ledger_created_at=row.created_at,
                                         ledger_name=row.name))
            problems.append(Problem("ledger-only", f"ledger row id {row.id} (hash {_short(row.hash)}, created_at "
                                                   f"{row.created_at}{_named(row)}) matches no local migration"))


def _named(row: LedgerRow) -> str:
    return f", name {row.name}" if row.name else ""


def _unlisted(journal: Journal, items: list[MigrationStatus], problems: list[Problem]) -> None:
    where = "not in any migration folder" if journal.is_folders else "not in meta/_journal.json"
    for path in journal.unlisted_files:
        items.append(MigrationStatus(state=State.UNLISTED_FILE, tag=path.stem, file=str(path)))
        problems.append(Problem("unlisted-file", f"{path.name} is {where}: drizzle never runs it", path.stem))


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
