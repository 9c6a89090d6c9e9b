"""The pre-apply safety checklist: five fixed items, items derived from the safety findings, and who checked what.

Items, in this order:

* the seed items `reviewed`, `no-destructive-without-backup`, `backwards-compatible`, `tested-in-development`,
  `backup-taken`;
* `fix-errors`: present when a non-suppressed finding has severity ERROR. It can never be checked (errors will
  certainly fail, so acknowledging them makes no sense: docs/review.md#severities) and keeps the checklist incomplete;
* one acknowledgement per kind of non-suppressed WARNING (docs/review.md#severities: each open core warning must be
  acknowledged before a production apply): `ack-no-transaction` (rules `cannot-run-in-transaction` and
  `transaction-control-in-migration`, whatever their class), `ack-data-loss`, `ack-blocking-lock` (blocking-lock
  and table-rewrite), `ack-backward-incompatible`, `ack-other`.

INFO and suppressed findings derive nothing.

State is keyed by `pending_key`, a sha256 over the pending migrations' (tag, hash) in order. When the key changes,
every check is dropped, seed items included: a different set of SQL needs a new review and a new backup. With the
same key the checks are kept, except a derived item whose findings changed since it was checked (e.g. a newer
neontui or another server version found something else): an acknowledgement covers the findings it listed.

Every check records who (`getpass.getuser()`) and when (UTC, ISO 8601), and for derived items which findings
(`Finding.key`) it acknowledged, so the apply log can show the acknowledgements afterwards. `ChecklistStore`
keeps one JSON file per (server identity, database, pending_key) under `$XDG_STATE_HOME/neontui/checklists/`
(default `~/.local/state/neontui/checklists/`); a missing or corrupt file means an empty checklist, never a crash.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from neontui.core.errors import NeontuiError
from neontui.core.paths import state_dir, write_json_atomic
from neontui.core.safety.model import DangerClass, Finding, Severity

__all__ = [
    "BACKUP_ID",
    "DERIVED_IDS",
    "ERRORS_ID",
    "SEED_ITEMS",
    "TESTED_ID",
    "CheckRecord",
    "Checklist",
    "ChecklistError",
    "ChecklistItem",
    "ChecklistState",
    "ChecklistStore",
    "default_checklist_dir",
    "derived_items",
    "pending_key",
]

TESTED_ID = "tested-in-development"  # also checked by a successful rehearsal (record_rehearsal)
BACKUP_ID = "backup-taken"  # also checked by a backup neontui took (a Neon branch, a copy)
# (id, label, detail). Ids are stable: they are stored in state files and audit logs.
SEED_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("reviewed", "Migration SQL reviewed for correctness", "read every pending statement, not only the findings"),
    ("no-destructive-without-backup", "No destructive change without a backup",
     "every drop, truncate or rewrite has a copy of the data it touches"),
    ("backwards-compatible", "Backwards compatible, or a rollback strategy exists",
     "the application version still running keeps working once this commits"),
    (TESTED_ID, "Tested in development", "applied to a development database or a Neon branch first"),
    (BACKUP_ID, "Database backed up (restore point or branch)",
     "a Neon restore point (timestamp) or a child branch at head"),
)
ERRORS_ID = "fix-errors"
NO_TRANSACTION_RULES = frozenset({"cannot-run-in-transaction", "transaction-control-in-migration"})
# Derived acknowledgement items in display order, with their label stem.
_ACK_LABELS: dict[str, str] = {
    "ack-data-loss": "Data-loss findings acknowledged",
    "ack-blocking-lock": "Blocking-lock and table-rewrite findings acknowledged",
    "ack-backward-incompatible": "Backward-incompatible findings acknowledged",
    "ack-no-transaction": "Statements that cannot run in a transaction acknowledged",
    "ack-other": "Other findings acknowledged",
}
DERIVED_IDS = (ERRORS_ID, *_ACK_LABELS)
_STATE_VERSION = 2  # 2: keyed by server identity (1 was keyed by project path and target)


class ChecklistError(NeontuiError):
    """An unknown item id, or an attempt to check an item that cannot be checked."""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    label: str
    checked: bool
    derived: bool  # from findings (vs. one of the five seed items)
    can_check: bool  # False for the errors item
    detail: str  # one line: what it means, or which findings it covers
    findings: tuple[str, ...] = ()  # Finding.key of every finding a derived item covers


@dataclass(frozen=True)
class CheckRecord:
    by: str  # operator (getpass.getuser()), or the neontui command that proved the item ("neontui rehearse")
    at: str  # UTC, ISO 8601
    findings: tuple[str, ...] = ()  # the findings acknowledged by this check (derived items)
    # What proved it, when neontui checked it itself: a rehearsal (where, when, result) or a backup (its restore
    # command). JSON values only; never a URL with a password (the callers pass masked targets).
    evidence: Mapping[str, Any] | None = field(default=None, hash=False)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"by": self.by, "at": self.at, "findings": list(self.findings)}
        if self.evidence is not None:
            doc["evidence"] = dict(self.evidence)
        return doc


@dataclass(frozen=True)
class ChecklistState:
    """What is persisted: the checks made for one pending set, and how its last rehearsal ended."""

    pending_key: str
    checks: Mapping[str, CheckRecord] = field(default_factory=dict, hash=False)
    rehearsal: Mapping[str, Any] | None = field(default=None, hash=False)  # {"ok": bool, "at", "where", …}


class _TagHash(Protocol):
    @property
    def tag(self) -> str | None: ...

    @property
    def hash(self) -> str | None: ...


def pending_key(pending: Iterable[tuple[str | None, str | None] | _TagHash]) -> str:
    """sha256 over the pending migrations' (tag, hash) in apply order; accepts pairs or objects with .tag/.hash."""
    pairs = [list(p) if isinstance(p, tuple) else [p.tag, p.hash] for p in pending]
    # JSON keeps the encoding unambiguous (no separator that a tag could contain).
    return hashlib.sha256(json.dumps(pairs, separators=(",", ":")).encode()).hexdigest()


def _where(finding: Finding) -> str:
    return f"{finding.rule} at {finding.tag}:{finding.line}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def derived_items(findings: Sequence[Finding]) -> tuple[ChecklistItem, ...]:
    """The unchecked items the findings require: the errors item first, then one per kind of warning."""
    errors = [f for f in findings if not f.suppressed and f.severity is Severity.ERROR]
    groups: dict[str, list[Finding]] = {key: [] for key in _ACK_LABELS}
    for finding in findings:
        if finding.suppressed or finding.severity is not Severity.WARNING:
            continue
        groups[_ack_id(finding)].append(finding)

    items: list[ChecklistItem] = []
    if errors:
        rules = ", ".join(dict.fromkeys(f.rule for f in errors))  # unique, in order of appearance
        items.append(ChecklistItem(
            id=ERRORS_ID,
            label=f"Fix {_count(len(errors), 'error')}: {rules}",
            checked=False,
            derived=True,
            can_check=False,
            detail="errors cannot be acknowledged: change the SQL or split the run ("
            + ", ".join(_where(f) for f in errors) + ")",
            findings=tuple(f.key for f in errors),
        ))
    for key, stem in _ACK_LABELS.items():
        group = groups[key]
        if group:
            items.append(ChecklistItem(
                id=key,
                label=f"{stem} ({len(group)})",
                checked=False,
                derived=True,
                can_check=True,
                detail=", ".join(_where(f) for f in group),
                findings=tuple(f.key for f in group),
            ))
    return tuple(items)


def _ack_id(finding: Finding) -> str:
    if finding.rule in NO_TRANSACTION_RULES:
        return "ack-no-transaction"
    if finding.danger is DangerClass.DATA_LOSS:
        return "ack-data-loss"
    if finding.danger in (DangerClass.BLOCKING_LOCK, DangerClass.TABLE_REWRITE):
        return "ack-blocking-lock"
    if finding.danger is DangerClass.BACKWARD_INCOMPATIBLE:
        return "ack-backward-incompatible"
    return "ack-other"


def operator() -> str:
    """The OS user acting (for check records and the audit log)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry (some containers)
        return "unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Checklist:
    """The checklist for one pending set. Mutable (the UI toggles it); `.state` is what gets saved."""

    def __init__(
        self, pending_key: str, findings: Sequence[Finding] = (), checks: Mapping[str, CheckRecord] | None = None,
        rehearsal: Mapping[str, Any] | None = None,
    ) -> None:
        self.pending_key = pending_key
        self._rehearsal = dict(rehearsal) if rehearsal is not None else None
        seed = tuple(ChecklistItem(i, label, False, False, True, detail) for i, label, detail in SEED_ITEMS)
        self._specs: dict[str, ChecklistItem] = {item.id: item for item in (*seed, *derived_items(findings))}
        self._checks: dict[str, CheckRecord] = {}
        for item_id, record in (checks or {}).items():
            spec = self._specs.get(item_id)
            # An acknowledgement covers the findings it listed; if they changed, it must be given again.
            if spec is not None and spec.can_check and (not spec.derived or record.findings == spec.findings):
                self._checks[item_id] = record

    @classmethod
    def for_pending(
        cls, pending_key: str, findings: Sequence[Finding], previous_state: ChecklistState | None = None
    ) -> Checklist:
        """A checklist for this pending set, keeping `previous_state`'s checks only if it is for the same set."""
        if previous_state is None or previous_state.pending_key != pending_key:
            return cls(pending_key, findings)
        return cls(pending_key, findings, previous_state.checks, previous_state.rehearsal)

    # --- reading

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        return tuple(
            ChecklistItem(s.id, s.label, s.id in self._checks, s.derived, s.can_check, s.detail, s.findings)
            for s in self._specs.values()
        )

    def item(self, item_id: str) -> ChecklistItem:
        self._spec(item_id)
        return next(i for i in self.items if i.id == item_id)

    @property
    def progress(self) -> tuple[int, int]:
        """(checked, total); the errors item counts in the total and can never be checked."""
        return len(self._checks), len(self._specs)

    @property
    def complete(self) -> bool:
        done, total = self.progress
        return done == total

    @property
    def unchecked_labels(self) -> tuple[str, ...]:
        return tuple(i.label for i in self.items if not i.checked)

    @property
    def has_errors(self) -> bool:
        return ERRORS_ID in self._specs

    @property
    def checks(self) -> Mapping[str, CheckRecord]:
        """Item id → who checked it and when, for the audit log."""
        return dict(self._checks)

    @property
    def state(self) -> ChecklistState:
        return ChecklistState(self.pending_key, dict(self._checks), self._rehearsal)

    @property
    def rehearsal(self) -> Mapping[str, Any] | None:
        """How the last rehearsal of exactly this pending set ended (None: none ran)."""
        return self._rehearsal

    @property
    def rehearsal_failure(self) -> str | None:
        """The one-line reason the last rehearsal of this pending set failed; None if none failed."""
        if self._rehearsal is None or self._rehearsal.get("ok"):
            return None
        return str(self._rehearsal.get("error") or "the rehearsal failed")

    # --- changing

    def check(self, item_id: str, *, by: str | None = None, evidence: Mapping[str, Any] | None = None) -> None:
        """Check an item. An operator's second check keeps the first record (that is when it was decided); a check
        with evidence (neontui proved the item) replaces what was there: it is newer and says more."""
        spec = self._spec(item_id)
        if not spec.can_check:
            raise ChecklistError(f"{spec.label}: errors cannot be acknowledged", hint="fix the SQL or split the run")
        if item_id not in self._checks or evidence is not None:
            self._checks[item_id] = CheckRecord(by or operator(), _now(), spec.findings,
                                                dict(evidence) if evidence is not None else None)

    def record_rehearsal(self, evidence: Mapping[str, Any], *, ok: bool) -> None:
        """A rehearsal of this pending set ended: a success checks `tested-in-development` with its evidence, a
        failure unchecks it and is kept, so that the production gate refuses with its reason until a rehearsal
        succeeds (or the pending set changes, which starts a new checklist)."""
        self._rehearsal = {**evidence, "ok": ok}
        if ok:
            self.check(TESTED_ID, by="neontui rehearse", evidence=self._rehearsal)
        else:
            self.uncheck(TESTED_ID)

    def uncheck(self, item_id: str) -> None:
        self._spec(item_id)
        self._checks.pop(item_id, None)

    def toggle(self, item_id: str, *, by: str | None = None) -> bool:
        """Flip one item; returns whether it is now checked."""
        if item_id in self._checks:
            self.uncheck(item_id)
            return False
        self.check(item_id, by=by)
        return True

    def _spec(self, item_id: str) -> ChecklistItem:
        try:
            return self._specs[item_id]
        except KeyError:
            raise ChecklistError(
                f"unknown checklist item {item_id!r}", hint=f"items: {', '.join(self._specs)}"
            ) from None


# ----------------------------------------------------------------------------------------------------
# Persistence


def default_checklist_dir() -> Path:
    return state_dir() / "checklists"


class ChecklistStore:
    """One JSON file per (server, database, pending_key): `<dir>/<server digest>/<pending_key>.json`.

    `server` is `ServerIdentity.key`: the server's own identity and the database, not a host name or a project
    path, so the same server reached under another name (or from another checkout) finds the same checklist, and
    another server never does.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_checklist_dir()

    def file_for(self, server: str, key: str) -> Path:
        # A digest: the key holds '/' and database names; the JSON records it.
        return self.path / hashlib.sha256(server.encode()).hexdigest()[:24] / f"{key}.json"

    def load(self, server: str, key: str) -> ChecklistState:
        """The saved state, or an empty one when the file is missing, unreadable or corrupt."""
        empty = ChecklistState(key, {})
        try:
            data = json.loads(self.file_for(server, key).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return empty
        if (not isinstance(data, dict) or data.get("version") != _STATE_VERSION or data.get("pending_key") != key
                or data.get("server") != server):
            return empty
        raw_checks = data.get("checks")
        if not isinstance(raw_checks, dict):
            return empty
        checks: dict[str, CheckRecord] = {}
        for item_id, raw in raw_checks.items():
            record = _record(raw)
            if record is not None:  # one damaged entry loses that check only
                checks[item_id] = record
        rehearsal = data.get("rehearsal")
        return ChecklistState(key, checks, rehearsal if isinstance(rehearsal, dict) else None)

    def save(self, server: str, state: ChecklistState) -> bool:
        """Write atomically; False when the state dir is not writable (the caller may warn, never crash)."""
        path = self.file_for(server, state.pending_key)
        data = {
            "version": _STATE_VERSION,
            "server": server,
            "pending_key": state.pending_key,
            "checks": {item_id: record.to_json() for item_id, record in state.checks.items()},
            "rehearsal": dict(state.rehearsal) if state.rehearsal is not None else None,
        }
        return write_json_atomic(path, data)

    def open(self, server: str, key: str, findings: Sequence[Finding]) -> Checklist:
        """Load the saved checks for this server's pending set and build its checklist."""
        return Checklist.for_pending(key, findings, self.load(server, key))


def _record(raw: object) -> CheckRecord | None:
    if not isinstance(raw, dict):
        return None
    by, at, findings, evidence = raw.get("by"), raw.get("at"), raw.get("findings", []), raw.get("evidence")
    if not isinstance(by, str) or not isinstance(at, str):
        return None
    if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
        return None
    return CheckRecord(by, at, tuple(findings), evidence if isinstance(evidence, dict) else None)
