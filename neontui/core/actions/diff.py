"""`neontui diff`: the schema difference between the target and another copy of it.

On Neon the other side is a branch of the target's project (by name or id: a backup, a kept rehearsal branch, any
branch), compared by Neon itself (compare_schema). On plain PostgreSQL it is a database on the same server (a
backup, a kept `neontui-rehearsal-…` copy) or any URL, compared with pg_dump (db.schema_diff). Without `against`,
the newest neontui backup. The diff reads `target` as a and the other side as b: a `+` line is in the other side
only, a `-` line in the target only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neontui.core.actions.backup import neon_session, newest_backup, target_url
from neontui.core.db.schema_diff import schema_diff
from neontui.core.db.url import with_database
from neontui.core.errors import ConfigError
from neontui.core.gate.gate import Gate
from neontui.core.neon.backup import NeonSnapshot
from neontui.core.neon.place import find_branch

__all__ = ["DiffResult", "diff_against"]

_URL_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class DiffResult:
    target: str  # masked host:port/db, or the Neon branch
    against: str  # the same for the other side
    text: str  # the unified diff, "" when the schemas match
    summary: str  # one line
    detail: dict[str, Any] | None = None  # schema_diff's JSON on plain PostgreSQL (object-level changes)

    @property
    def differs(self) -> bool:
        return bool(self.text.strip())

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "against": self.against, "differs": self.differs, "summary": self.summary,
                "diff": self.text, **({"objects": self.detail} if self.detail is not None else {})}


def _line_summary(text: str, target: str, against: str) -> str:
    lines = text.splitlines()
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    if not text.strip():
        return f"no schema difference between {target} and {against}"
    return f"{added} line(s) only in {against}, {removed} only in {target}"


def diff_against(gate: Gate, against: str | None = None) -> DiffResult:
    """The target's schema against `against` (see the module text). ConfigError (exit 3) when `against` is
    omitted and there is no backup, or names no branch/database; a connection or pg_dump failure is one line."""
    if gate.neon is not None:
        return _neon_diff(gate, against)
    url = target_url(gate)
    if against is None:
        other = with_database(url, newest_backup(gate).name)
    elif against.startswith(_URL_SCHEMES):
        other = against
    else:
        other = with_database(url, against)
    found = schema_diff(url, other)
    return DiffResult(found.a, found.b, found.text, found.summary_line(), found.to_json())


def _neon_diff(gate: Gate, against: str | None) -> DiffResult:
    name = against or _newest_branch_backup(gate)
    with neon_session(gate) as (client, place):
        other = find_branch(client, place.project_id, name)
        text = client.compare_schema(place.project_id, other.id, base_branch_id=place.branch_id,
                                     db_name=place.database)
    target = f"branch {place.branch_name} ({place.branch_id})"
    shown = f"branch {other.name} ({other.id})"
    return DiffResult(target, shown, text, _line_summary(text, target, shown))


def _newest_branch_backup(gate: Gate) -> str:
    """The newest backup's name, when it is a branch: Neon's compare_schema compares branches, not snapshots."""
    newest = newest_backup(gate)
    if isinstance(newest, NeonSnapshot):
        raise ConfigError(f"the newest backup, {newest.name}, is a snapshot, and Neon compares the schemas of "
                          "branches only", hint="pass --against with a branch's name or id")
    return newest.name
