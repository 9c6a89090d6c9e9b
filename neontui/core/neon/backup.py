"""Backups on Neon: a no-compute child branch of the target's branch at its head, and restoring a branch from one.

A backup branch (`neontui-backup-<UTC yyyymmdd-hhmmss>-<4 hex>`) shares the parent's storage copy-on-write, so it
is made in about a second whatever the database's size and costs no compute. It holds every database of the branch
at that moment. Restoring the target branch from it overwrites every database on the target branch (Neon restores whole
branches) and drops the branch's open connections; the state before the restore is kept as a branch named
`<branch>-before-restore-<ts>` (`preserve_under_name`), which Neon requires anyway once the branch has children.

A target with `neon_backup = "snapshot"` gets a snapshot instead (NeonSnapshot, Neon beta): a project-level copy of
the branch with the same name scheme. Restoring it (`restoreSnapshot` with `finalize_restore`) makes a new branch
from the snapshot that takes over the target branch's name and computes; the replaced branch is renamed by Neon and
keeps the state before, so the branch's *id* changes (docs/neon.md, "Snapshots").

The restore commands are written with the real project, branch and backup ids and the *name* of the API key's
variable (`$NEON_API_KEY`), never the key.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from neontui.core.db.backup_copy import BACKUP_PREFIX
from neontui.core.db.copy import stamped_name
from neontui.core.errors import ConfigError
from neontui.core.neon.client import (
    DEFAULT_BASE_URL,
    DEFAULT_KEY_VARIABLE,
    Branch,
    BranchChange,
    NeonClient,
    Snapshot,
)
from neontui.core.neon.place import NeonPlace

__all__ = ["BACKUP_PREFIX", "NeonBackup", "NeonSnapshot", "SnapshotRestore", "create_backup", "create_snapshot",
           "find_backup", "list_backups", "list_snapshots", "preserve_name", "restore", "restore_snapshot"]

_PRESERVED = "-before-restore-"
_MAX_BRANCH_NAME = 256  # Neon's limit on a branch name
_B = TypeVar("_B", bound="NeonBackup")


def _stamp(at: datetime | None = None) -> str:
    return f"{(at or datetime.now(UTC)).astimezone(UTC):%Y%m%d-%H%M%S}"


def preserve_name(branch: str, at: datetime | None = None) -> str:
    """`<branch>-before-restore-<UTC yyyymmdd-hhmmss>`: the name the state before a restore is kept under."""
    suffix = f"{_PRESERVED}{_stamp(at)}"
    return f"{branch[:_MAX_BRANCH_NAME - len(suffix)]}{suffix}"


@dataclass(frozen=True)
class NeonBackup:
    project_id: str
    branch_id: str  # the branch that was backed up (and that a restore overwrites)
    branch_name: str
    backup_id: str
    backup_name: str
    created_at: str  # RFC 3339, Neon's own time when it says, else ours
    database: str
    key_variable: str = DEFAULT_KEY_VARIABLE  # the variable's name, shown in the API command; never the key
    api_url: str = DEFAULT_BASE_URL
    endpoint_id: str | None = None  # the backed-up branch's compute, when the URL named it

    kind = "neon-branch"
    what = "backup branch"  # how the output names it

    @property
    def name(self) -> str:
        return self.backup_name

    @property
    def id(self) -> str:
        return self.backup_id

    def restore_commands(self, preserve_under_name: str | None = None) -> list[str]:
        """Three ways to go back to this backup, each complete: neontui, neonctl and the API (curl)."""
        keep = preserve_under_name or preserve_name(self.branch_name)
        body = f'{{"source_branch_id": "{self.backup_id}", "preserve_under_name": "{keep}"}}'
        url = f"{self.api_url.rstrip('/')}/projects/{self.project_id}/branches/{self.branch_id}/restore"
        return [
            f"neontui restore --to {self.backup_name}",
            f"neonctl branches restore {self.branch_id} {self.backup_id} --preserve-under-name {keep} "
            f"--project-id {self.project_id}",
            f'curl -X POST {url} -H "Authorization: Bearer ${self.key_variable}" '
            f'-H "Content-Type: application/json" -d {shlex.quote(body)}',
        ]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "project_id": self.project_id, "branch_id": self.branch_id,
                "branch_name": self.branch_name, "id": self.backup_id, "name": self.backup_name,
                "created_at": self.created_at, "database": self.database, "restore": self.restore_commands()}


@dataclass(frozen=True)
class NeonSnapshot(NeonBackup):
    """A snapshot of the target's branch (Neon beta): `backup_id`/`backup_name` are the snapshot's, `branch_id` the
    branch it was taken of and that a restore replaces."""

    kind = "neon-snapshot"
    what = "backup snapshot"

    def restore_commands(self, preserve_under_name: str | None = None) -> list[str]:
        """neontui and the API (curl). `preserve_under_name` is ignored: Neon names the replaced branch itself."""
        body = f'{{"target_branch_id": "{self.branch_id}", "finalize_restore": true}}'
        url = f"{self.api_url.rstrip('/')}/projects/{self.project_id}/snapshots/{self.backup_id}/restore"
        return [
            f"neontui restore --to {self.backup_name}",
            f'curl -X POST {url} -H "Authorization: Bearer ${self.key_variable}" '
            f'-H "Content-Type: application/json" -d {shlex.quote(body)}',
            # neonctl may have a snapshot restore, but nothing here can check its syntax: say so, do not invent one.
            "# neonctl: no snapshot restore command that neontui can verify; use one of the above",
        ]


@dataclass(frozen=True)
class SnapshotRestore:
    """A finished snapshot restore: the new branch that now carries the name, and the replaced one (the state
    before), as Neon named it (None if it is no longer listed)."""

    branch: Branch
    replaced: Branch | None


def _backup_of(place: NeonPlace, branch: Branch, key_variable: str, api_url: str) -> NeonBackup:
    created = branch.created_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return NeonBackup(place.project_id, place.branch_id, place.branch_name, branch.id, branch.name, created,
                      place.database, key_variable, api_url, place.endpoint_id)


def create_backup(client: NeonClient, place: NeonPlace, *, key_variable: str = DEFAULT_KEY_VARIABLE,
                  api_url: str = DEFAULT_BASE_URL, timeout: float = 300.0) -> NeonBackup:
    """A no-compute child branch of `place`'s branch at its head, returned only once Neon says its operations
    finished: a backup that is still being made is no backup. NeonApiError (one line, exit 3) otherwise."""
    # 4 hex digits after the time, as for the plain backups: two backups in one second stay two names.
    name = stamped_name("backup")
    created = client.create_branch(place.project_id, parent_id=place.branch_id, name=name, endpoint=False)
    client.wait_for_operations(created.operations, timeout=timeout)
    return _backup_of(place, created.branch, key_variable, api_url)


def create_snapshot(client: NeonClient, place: NeonPlace, *, key_variable: str = DEFAULT_KEY_VARIABLE,
                    api_url: str = DEFAULT_BASE_URL, timeout: float = 300.0) -> NeonSnapshot:
    """A snapshot of `place`'s branch at its head, returned only once Neon says its operations finished. No
    `expires_at`: a backup that deletes itself is no backup."""
    name = stamped_name("backup")
    created = client.create_snapshot(place.project_id, place.branch_id, name=name)
    client.wait_for_operations(created.operations, timeout=timeout)
    return _snapshot_of(place, created.snapshot, key_variable, api_url)


def _snapshot_of(place: NeonPlace, snapshot: Snapshot, key_variable: str, api_url: str) -> NeonSnapshot:
    return NeonSnapshot(place.project_id, place.branch_id, place.branch_name, snapshot.id, snapshot.name,
                        snapshot.created_at, place.database, key_variable, api_url, place.endpoint_id)


def _lineage(branches: list[Branch], branch_id: str) -> set[str]:
    """`branch_id` and the branches it replaced through snapshot restores (`restored_as`, followed back): a
    snapshot or a backup of an earlier incarnation of the branch is still a backup of it."""
    by_id = {b.id: b for b in branches}
    found = {branch_id}
    current = by_id.get(branch_id)
    while current is not None and current.restored_as and current.restored_as not in found:
        found.add(current.restored_as)
        current = by_id.get(current.restored_as)
    return found


def list_snapshots(client: NeonClient, place: NeonPlace, *, key_variable: str = DEFAULT_KEY_VARIABLE,
                   api_url: str = DEFAULT_BASE_URL) -> list[NeonSnapshot]:
    """neontui's snapshots of `place`'s branch (or of the branches it replaced), newest first."""
    lineage = _lineage(client.list_branches(place.project_id), place.branch_id)
    found = [s for s in client.list_snapshots(place.project_id)
             if s.name.startswith(BACKUP_PREFIX) and s.source_branch_id in lineage]
    found.sort(key=lambda s: (s.name, s.created_at), reverse=True)
    return [_snapshot_of(place, s, key_variable, api_url) for s in found]


def list_backups(client: NeonClient, place: NeonPlace, *, key_variable: str = DEFAULT_KEY_VARIABLE,
                 api_url: str = DEFAULT_BASE_URL) -> list[NeonBackup]:
    """neontui's backups of `place`'s branch, newest first. A restore moves the branch's children under the
    preserved branch (`<branch>-before-restore-…`), and a snapshot restore leaves them under the replaced branch,
    so backups there still count as backups of this branch."""
    branches = client.list_branches(place.project_id)  # one listing: the backups and the preserved branches
    parents = _lineage(branches, place.branch_id) | {
        b.id for b in branches if b.name.startswith(f"{place.branch_name}{_PRESERVED}")}
    found = [b for b in branches if b.name.startswith(BACKUP_PREFIX) and b.parent_id in parents]
    found.sort(key=lambda b: (b.name, b.created_at or ""), reverse=True)
    return [_backup_of(place, b, key_variable, api_url) for b in found]


def find_backup(backups: list[_B], wanted: str) -> _B:
    """The backup named or identified by `wanted`; ConfigError naming the newest ones otherwise."""
    for backup in backups:
        if wanted in (backup.backup_id, backup.backup_name):
            return backup
    known = ", ".join(b.backup_name for b in backups[:3]) or "none"
    raise ConfigError(f"no neontui backup {wanted!r} of this branch (newest: {known})",
                      hint="neontui backup --list shows them")


def restore(client: NeonClient, place: NeonPlace, *, preserve_under_name: str, source_branch_id: str | None = None,
            timestamp: str | None = None, timeout: float = 300.0) -> BranchChange:
    """Overwrite `place`'s branch with `source_branch_id` at its head, or with its own history at `timestamp`
    (RFC 3339), keeping the state before under `preserve_under_name`; returns once Neon's operations finished."""
    if (source_branch_id is None) == (timestamp is None):
        raise ConfigError("a restore needs exactly one source: a backup branch or a point in time")
    change = client.restore_branch(place.project_id, place.branch_id,
                                   source_branch_id=source_branch_id or place.branch_id,
                                   source_timestamp=timestamp, preserve_under_name=preserve_under_name)
    client.wait_for_operations(change.operations, timeout=timeout)
    return change


def restore_snapshot(client: NeonClient, place: NeonPlace, snapshot_id: str, *,
                     timeout: float = 300.0) -> SnapshotRestore:
    """Replace `place`'s branch with a new branch made from the snapshot (`finalize_restore`: it takes the branch's
    name and computes); returns once Neon's operations finished, with the replaced branch as Neon renamed it."""
    change = client.restore_snapshot(place.project_id, snapshot_id, target_branch_id=place.branch_id,
                                     finalize_restore=True)
    client.wait_for_operations(change.operations, timeout=timeout)
    assert change.branch is not None  # restoreSnapshot always answers with the new branch
    replaced = next((b for b in client.list_branches(place.project_id) if b.id == place.branch_id), None)
    return SnapshotRestore(change.branch, replaced)
