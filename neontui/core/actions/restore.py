"""`neontui restore`: put the target back to a backup (or, on Neon, to a point in its own history).

What it costs is said before it is asked for (`RestorePlan.losses`): on Neon every database on the branch rewinds,
not only the target's, and the branch's connections drop; on plain PostgreSQL the target database is swapped for a
copy of the backup and its sessions are ended. Either way the state before the restore is kept (a Neon branch
`<branch>-before-restore-<ts>`, the branch a snapshot restore replaced as Neon renamed it, or the renamed
database), so a restore can itself be undone. The policy asks for the
typed database name in every environment (Action.RESTORE); every attempt is audited as "restore".
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from neontui.core.actions.backup import (
    Backup,
    audit_action,
    list_backups,
    neon_backups,
    neon_session,
    newest_backup,
    target_url,
)
from neontui.core.actions.outcome import gated_exit_code
from neontui.core.db.backup_copy import find_backup as find_plain_backup
from neontui.core.db.backup_copy import preserved_name, restore_backup
from neontui.core.db.url import parse_url
from neontui.core.errors import ConfigError, ExitCode, NeontuiError
from neontui.core.gate.gate import Gate
from neontui.core.gate.policy import Action, Decision
from neontui.core.neon.backup import NeonBackup, NeonSnapshot, preserve_name, restore_snapshot
from neontui.core.neon.backup import find_backup as find_neon_backup
from neontui.core.neon.backup import restore as neon_restore

__all__ = ["RestoreOutcome", "RestorePlan", "execute_restore", "plan_restore"]

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


@dataclass(frozen=True)
class RestorePlan:
    database: str  # the name the operator types
    where: str  # the branch (Neon) or host:port/db (plain) that is overwritten, masked
    neon: bool
    preserve_under_name: str | None  # where the state before the restore is kept; None: Neon names it (snapshot)
    backup: Backup | None = None
    timestamp: str | None = None  # Neon only: RFC 3339, UTC

    @property
    def source(self) -> str:
        if self.backup is not None:
            what = "snapshot" if isinstance(self.backup, NeonSnapshot) else "backup"
            return f"{what} {self.backup.name} (taken {self.backup.created_at})"
        return f"its own history at {self.timestamp}"

    def losses(self) -> list[str]:
        """What the restore throws away and what it interrupts, in words, before anything is asked."""
        if isinstance(self.backup, NeonSnapshot):
            return self._snapshot_losses(self.backup)
        if self.neon:
            return [f"every database on {self.where} (not only {self.database}) is replaced by {self.source}",
                    f"everything written since then is kept only in the branch {self.preserve_under_name}",
                    "the branch's open connections drop while Neon restores it; they must reconnect"]
        return [f"{self.where} is replaced by {self.source}",
                f"everything written since then is kept only in the database {self.preserve_under_name}",
                f"every open session on {self.database} is ended"]

    def _snapshot_losses(self, snapshot: NeonSnapshot) -> list[str]:
        return [f"every database on {self.where} (not only {self.database}) is replaced by {self.source}",
                f"Neon makes a new branch from the snapshot that takes the name {snapshot.branch_name} and its "
                f"computes, so the branch's id changes from {snapshot.branch_id} (a neon_branch set to that id in "
                "neontui.toml must then be updated)",
                "everything written since then is kept only in the replaced branch, which Neon renames (neontui "
                "says its new name after the restore)",
                "the branch's open connections drop while its computes move; they must reconnect"]

    def to_json(self) -> dict[str, Any]:
        return {"database": self.database, "where": self.where, "neon": self.neon,
                "backup": self.backup.to_json() if self.backup is not None else None,
                "timestamp": self.timestamp, "preserve_under_name": self.preserve_under_name,
                "losses": self.losses()}


@dataclass
class RestoreOutcome:
    plan: RestorePlan
    decision: Decision
    error: NeontuiError | None = None
    ended_sessions: int | None = None  # plain PostgreSQL: the sessions ended on the target
    notes: list[str] = field(default_factory=list)
    kept: str | None = None  # a snapshot restore: the name Neon gave the replaced branch

    @property
    def preserved(self) -> str | None:
        """Where the state before the restore is kept, once it ran."""
        return (self.kept or self.plan.preserve_under_name) if self.done else None

    @property
    def done(self) -> bool:
        return self.decision.allowed and self.error is None

    @property
    def exit_code(self) -> ExitCode:
        return gated_exit_code(self.decision, self.error) or ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"action": "restore", "allowed": self.decision.allowed, "reasons": list(self.decision.reasons),
                "confirmation": self.decision.confirmation, "restored": self.done, "plan": self.plan.to_json(),
                "preserved": self.preserved, "notes": list(self.notes),
                "ended_sessions": self.ended_sessions,
                "error": self.error.one_line() if self.error is not None else None,
                "exit_code": int(self.exit_code)}


def _timestamp(text: str) -> str | None:
    """`text` as an RFC 3339 UTC timestamp when it looks like a time; None when it is a backup's name."""
    if not _TIMESTAMP.match(text.strip()):
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise ConfigError(f"--to {text!r} is not an RFC 3339 time", hint="e.g. 2026-12-01T10:30:00Z") from None
    if moment.tzinfo is None:
        raise ConfigError(f"--to {text!r} has no time zone", hint="add Z for UTC, e.g. 2026-12-01T10:30:00Z")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_restore(gate: Gate, to: str | None = None) -> RestorePlan:
    """What `neontui restore [--to BACKUP|TIMESTAMP]` would do: the newest backup by default. ConfigError (exit 3)
    for no backup, an unknown one, a bad time, or a time on plain PostgreSQL (it keeps no history to rewind)."""
    database = (gate.target.database if gate.target is not None else None) or gate.pending.database
    timestamp = _timestamp(to) if to else None
    if gate.neon is None:
        return _plain_plan(gate, database, to, timestamp)
    with neon_session(gate) as (client, place):
        where = f"branch {place.branch_name} ({place.branch_id}) of Neon project {place.project_id}"
        keep = preserve_name(place.branch_name)
        if timestamp is not None:
            return RestorePlan(database, where, True, keep, timestamp=timestamp)
        found = neon_backups(gate, client, place)
    if to:
        return _backup_plan(database, where, keep, find_neon_backup(found, to))
    if not found:
        raise ConfigError(f"there is no neontui backup of {where} yet", hint="neontui backup takes one")
    return _backup_plan(database, where, keep, found[0])


def _backup_plan(database: str, where: str, keep: str, backup: NeonBackup) -> RestorePlan:
    # A snapshot restore cannot name the replaced branch: Neon renames it (restoreSnapshot takes no such name).
    return RestorePlan(database, where, True, None if isinstance(backup, NeonSnapshot) else keep, backup=backup)


def _plain_plan(gate: Gate, database: str, to: str | None, timestamp: str | None) -> RestorePlan:
    if timestamp is not None:
        raise ConfigError("plain PostgreSQL cannot restore a database to a point in time with neontui (that needs "
                          "point-in-time recovery of the whole server)",
                          hint="restore a backup instead: neontui backup --list shows them")
    url = target_url(gate)
    shown = parse_url(url).display_target()
    if to:
        backup: Backup = find_plain_backup([b for b in list_backups(gate) if not isinstance(b, NeonBackup)], to)
    else:
        backup = newest_backup(gate)
    return RestorePlan(database, f"database {shown}", False, preserved_name(gate.pending.database), backup=backup)


def _audit(gate: Gate, outcome: RestoreOutcome, started: float) -> None:
    result = "refused" if not outcome.decision.allowed else "failed" if outcome.error is not None else "ok"
    error = ("; ".join(outcome.decision.reasons) if not outcome.decision.allowed else
             outcome.error.one_line() if outcome.error is not None else None)
    audit_action(gate, "restore", result, started, error=error,
                 details={**outcome.plan.to_json(), "ended_sessions": outcome.ended_sessions,
                          "preserved": outcome.preserved, "notes": list(outcome.notes)})


def execute_restore(gate: Gate, plan: RestorePlan, typed_confirmation: str | None = None,
                    notice: Callable[[str], None] | None = None) -> RestoreOutcome:
    """Restore as planned once the policy allows it (the typed database name); audited whatever happens."""
    notice = notice or (lambda _m: None)
    started = time.monotonic()
    outcome = RestoreOutcome(plan, gate.decide(Action.RESTORE, typed_confirmation))
    if outcome.decision.allowed:
        try:
            _run(gate, plan, outcome, notice)
        except NeontuiError as exc:
            outcome.error = exc
    _audit(gate, outcome, started)
    return outcome


def _run(gate: Gate, plan: RestorePlan, outcome: RestoreOutcome, notice: Callable[[str], None]) -> None:
    if isinstance(plan.backup, NeonSnapshot):
        _run_snapshot(gate, plan, plan.backup, outcome, notice)
        return
    # Every plan but a snapshot's names where the state before is kept (plan_restore, _plain_plan).
    assert plan.preserve_under_name is not None
    if plan.neon:
        with neon_session(gate) as (client, place):
            notice(f"restoring {plan.where} from {plan.source}")
            source = plan.backup.id if plan.backup is not None else None
            neon_restore(client, place, preserve_under_name=plan.preserve_under_name, source_branch_id=source,
                         timestamp=plan.timestamp)
        return
    assert plan.backup is not None  # a plain plan always names a backup
    notice(f"restoring {plan.where} from {plan.source}")
    done = restore_backup(target_url(gate), plan.backup.name, keep=plan.preserve_under_name)
    outcome.ended_sessions = done.ended_sessions


def _run_snapshot(gate: Gate, plan: RestorePlan, snapshot: NeonSnapshot, outcome: RestoreOutcome,
                  notice: Callable[[str], None]) -> None:
    with neon_session(gate) as (client, place):
        notice(f"restoring {plan.where} from {plan.source}")
        done = restore_snapshot(client, place, snapshot.id)
    outcome.kept = done.replaced.name if done.replaced is not None else place.branch_id
    if done.branch.id != place.branch_id:  # what Neon's finalize does; say it, since a configured id goes stale
        outcome.notes.append(f"branch {done.branch.name} now has the id {done.branch.id} (it was {place.branch_id}); "
                             "a neon_branch set to the old id in neontui.toml must be updated")
