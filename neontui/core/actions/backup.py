"""Backups of the target: `neontui backup`, and the backup a production apply on Neon takes before its first statement.

On Neon a backup is a no-compute child branch of the target's branch, or a snapshot of it when the target says
`neon_backup = "snapshot"` (neon.backup); elsewhere a kept full copy of
the database on the same server (db.backup_copy). Either way the checklist's "Database backed up" item is checked
with the backup as evidence (its name, id, time and restore command: never a URL with a password), the checklist
is saved, and the audit log gets a "backup" record.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from neontui.core.actions.audit import AuditLog, build_record
from neontui.core.db.backup_copy import PlainBackup, make_backup
from neontui.core.db.backup_copy import list_backups as list_plain_backups
from neontui.core.db.url import direct_url, parse_url
from neontui.core.errors import ConfigError, NeontuiError
from neontui.core.gate.checklist import BACKUP_ID
from neontui.core.gate.gate import Gate
from neontui.core.neon.backup import NeonBackup, create_backup, create_snapshot, list_snapshots
from neontui.core.neon.backup import list_backups as list_neon_backups
from neontui.core.neon.client import NeonClient
from neontui.core.neon.place import NeonPlace

__all__ = ["Backup", "audit_action", "backup_evidence", "before_apply", "list_backups", "neon_backups",
           "neon_session", "newest_backup", "snapshots_wanted", "take_backup", "target_url"]

Backup = NeonBackup | PlainBackup
Notice = Callable[[str], None]


def target_url(gate: Gate) -> str:
    """The target's direct URL (a pooled Neon URL switched to its direct host); ConfigError without one."""
    url = gate.project.database_url
    if not url:
        raise ConfigError("no database URL", hint="set DATABASE_URL or pass --url")
    return direct_url(url)[0]


@contextmanager
def neon_session(gate: Gate) -> Iterator[tuple[NeonClient, NeonPlace]]:
    """A Neon API client (closed after the block) and where the target is; only for a Neon target."""
    neon = gate.neon
    if neon is None:
        raise ConfigError("the target is not on Neon")
    with neon.client() as client:
        yield client, neon.place(client)


def snapshots_wanted(gate: Gate) -> bool:
    """Whether the target's Neon backups are snapshots (`neon_backup = "snapshot"`) rather than branches."""
    return gate.target is not None and gate.target.neon_backup == "snapshot"


def _what(gate: Gate) -> str:
    return "snapshot" if snapshots_wanted(gate) else "backup branch"


def _create(gate: Gate, client: NeonClient, place: NeonPlace) -> NeonBackup:
    neon = gate.settings.neon
    make = create_snapshot if snapshots_wanted(gate) else create_backup
    return make(client, place, key_variable=neon.api_key_env, api_url=neon.api_url)


def backup_evidence(backup: Backup) -> dict[str, Any]:
    """What the checklist keeps as proof: JSON values only, no password (the target is masked)."""
    commands = backup.restore_commands()
    where = (f"branch {backup.branch_name} ({backup.branch_id}) of Neon project {backup.project_id}"
             if isinstance(backup, NeonBackup) else backup.target)
    return {"kind": backup.kind, "name": backup.name, "id": backup.id, "at": backup.created_at,
            "of": where, "database": backup.database, "restore": commands[0], "commands": commands}


def _record(gate: Gate, backup: Backup) -> None:
    gate.checklist.check(BACKUP_ID, by="neontui backup", evidence=backup_evidence(backup))
    gate.save()


def audit_action(gate: Gate, action: str, result: str, started: float, *, error: str | None = None,
           details: dict[str, Any] | None = None) -> None:
    record = build_record(action, project_root=gate.project.config.root, url=gate.project.database_url,
                          environment=gate.environment, migrations=gate.pending.migrations,
                          checklist=gate.checklist, result=result, duration_s=time.monotonic() - started,
                          error=error, details=details)
    AuditLog.for_project(gate.project.config.root, gate.settings).append(record)


def _make(gate: Gate, notice: Notice) -> Backup:
    if gate.neon is not None:
        with neon_session(gate) as (client, place):
            notice(f"creating a {_what(gate)} of {place.label()}")
            return _create(gate, client, place)
    url = target_url(gate)
    notice(f"copying {parse_url(url).display_target()} into a backup database (kept)")
    return make_backup(url)


def take_backup(gate: Gate, notice: Notice | None = None) -> Backup:
    """`neontui backup`: a Neon backup branch, or a kept copy on plain PostgreSQL; checks the checklist's backup
    item with it as evidence, saves the checklist and audits "backup" (a failure is audited, then raised)."""
    started = time.monotonic()
    try:
        backup = _make(gate, notice or (lambda _m: None))
    except NeontuiError as exc:
        audit_action(gate, "backup", "failed", started, error=exc.one_line())
        raise
    _record(gate, backup)
    audit_action(gate, "backup", "ok", started, details={"backup": backup.to_json()})
    return backup


def before_apply(gate: Gate, notice: Notice | None = None) -> NeonBackup | None:
    """The backup (branch or snapshot) a production apply on Neon takes before its first statement
    (Gate.backup_planned), made and confirmed (Neon's operations finished), checked on the checklist with its
    evidence and saved. None when no backup is planned. Raises one NeontuiError line when it cannot: then the
    apply must run nothing."""
    if not gate.backup_planned:
        return None
    notice = notice or (lambda _m: None)
    try:
        with neon_session(gate) as (client, place):
            notice(f"backup: creating a {_what(gate)} of {place.label()} before the first statement")
            backup = _create(gate, client, place)
    except NeontuiError as exc:
        # The hint keeps the cause's fix and names the way out for those who back up otherwise.
        hint = "; ".join(filter(None, [exc.hint, "or set backup = false under [neon] in neontui.toml"]))
        stopped = NeontuiError(f"no {_what(gate)}, so nothing was applied: {exc.message}", hint=hint)
        stopped.exit_code = exc.exit_code  # a retryable refusal (429, 503) stays retryable (exit 5)
        raise stopped from None
    notice(f"backup: {backup.what} {backup.backup_name} ({backup.backup_id}) is ready")
    _record(gate, backup)
    return backup


def list_backups(gate: Gate) -> list[Backup]:
    """neontui's backups of the target, newest first (Neon backup branches, or backup databases)."""
    if gate.neon is not None:
        with neon_session(gate) as (client, place):
            return list(neon_backups(gate, client, place))
    return list(list_plain_backups(target_url(gate)))


def neon_backups(gate: Gate, client: NeonClient, place: NeonPlace) -> list[NeonBackup]:
    """The target's backup branches, and its snapshots when it takes snapshots, newest first. Snapshots are listed
    only then: the endpoint is beta, and a target that never asked for them must not depend on it."""
    neon = gate.settings.neon
    found = list_neon_backups(client, place, key_variable=neon.api_key_env, api_url=neon.api_url)
    if snapshots_wanted(gate):
        found += list_snapshots(client, place, key_variable=neon.api_key_env, api_url=neon.api_url)
        # Both are named neontui-backup-<UTC time>-<hex>: the name orders them by time.
        found.sort(key=lambda b: (b.backup_name, b.created_at), reverse=True)
    return found


def newest_backup(gate: Gate) -> Backup:
    """The newest backup; ConfigError (exit 3) when there is none."""
    found = list_backups(gate)
    if not found:
        raise ConfigError(f"there is no neontui backup of {gate.pending.database} yet",
                          hint="neontui backup takes one")
    return found[0]
