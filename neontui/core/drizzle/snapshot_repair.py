"""Repair the snapshot chain of a 0.x migrations folder so that drizzle-kit 1.0's `up` accepts it.

Only `meta/<prefix>_snapshot.json` files are written; every SQL file and `meta/_journal.json` stay byte-identical.
A 0.x journal is a straight line (drizzle-kit 0.x's generate always builds on the newest snapshot), so the chain it
should have is known: each entry's snapshot follows the previous entry's. Walking the journal in order:

- a missing snapshot becomes a copy of the previous entry's snapshot with a new id (the schema it records is the one
  before that migration: the next snapshot's conversion then carries both migrations' changes, which only matters to
  drizzle-kit 1.0's conflict check of later branches);
- an id an earlier snapshot already carries, or the all-zero id, is replaced by a new one;
- a parent id that names no earlier snapshot (deleted in the middle, or the all-zero "no parent" on a later entry)
  is re-linked to the previous entry's id; a parent that names an earlier snapshot through a duplicated id is
  re-linked to the latest earlier carrier, which is the one the following migration was generated from.

Nothing else in a snapshot changes; files whose id and parent are already right are not rewritten. A first entry
without a snapshot, and snapshots that are not JSON, cannot be repaired (there is nothing to copy from).
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neontui.core.drizzle.folders import ORIGIN_ID
from neontui.core.drizzle.journal import read_regular_file
from neontui.core.drizzle.upgrade import Preview
from neontui.core.errors import JournalError


@dataclass(frozen=True)
class SnapshotChange:
    tag: str
    path: Path
    change: str  # "created", "new-id", "relinked" (comma-joined when several)
    detail: str
    text: str  # the file's new content

    def to_json(self, out_dir: Path) -> dict[str, Any]:
        return {"tag": self.tag, "snapshot": str(self.path.relative_to(out_dir)), "change": self.change,
                "detail": self.detail}


def plan_repair(preview: Preview) -> list[SnapshotChange]:
    """The snapshot files to write; a JournalError naming what cannot be repaired."""
    changes: list[SnapshotChange] = []
    carriers: dict[str, str] = {}  # an old id → the new id of the latest earlier snapshot that carried it
    previous: tuple[str, dict[str, Any]] | None = None  # (new id, data) of the previous entry
    used: set[str] = set()
    for move in preview.moves:
        data = _load(move.snapshot_path, move.tag, previous)
        done: list[str] = []
        if data is None:  # missing: copy the previous one
            assert previous is not None
            data = copy.deepcopy(previous[1])
            data["id"] = ""
            done.append("created")
        old_id = data.get("id")
        new_id = old_id if isinstance(old_id, str) and old_id and old_id != ORIGIN_ID and old_id not in used \
            else str(uuid.uuid4())
        if new_id != old_id and "created" not in done:
            done.append("new-id")
        parent = ORIGIN_ID if previous is None else previous[0]
        old_prev = _parents(data)
        new_prev = [_relink(p, carriers, parent) for p in old_prev] if old_prev else [parent]
        if previous is None or "created" in done:  # the first has no parent; a copy follows the one it copies
            new_prev = [parent]
        if new_prev != old_prev and "created" not in done:
            done.append("relinked")
        if isinstance(old_id, str) and old_id:
            carriers[old_id] = new_id
        used.add(new_id)
        if done:
            _set(data, new_id, new_prev)
            detail = f"id {new_id}, parent {', '.join(new_prev)}"
            changes.append(SnapshotChange(move.tag, move.snapshot_path, ",".join(done), detail,
                                          json.dumps(data, indent=2, ensure_ascii=False)))
        previous = (new_id, data)
    return changes


def apply_repair(changes: list[SnapshotChange]) -> None:
    """Write the files (drizzle-kit's own format: 2-space indentation, no trailing newline)."""
    for change in changes:
        change.path.write_text(change.text, encoding="utf-8")


def _load(path: Path, tag: str, previous: tuple[str, dict[str, Any]] | None) -> dict[str, Any] | None:
    try:
        data = json.loads(read_regular_file(path).decode("utf-8"))
    except FileNotFoundError:
        if previous is None:
            raise JournalError(f"{path}: the first migration ({tag}) has no snapshot and there is none to copy",
                               hint="restore it from git") from None
        return None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        raise JournalError(f"{path}: not a readable JSON snapshot: cannot be repaired",
                           hint="restore it from git") from None
    if not isinstance(data, dict):
        raise JournalError(f"{path}: not a JSON object: cannot be repaired", hint="restore it from git")
    return data


def _parents(data: dict[str, Any]) -> list[str]:
    prev = data.get("prevIds", data.get("prevId"))
    if isinstance(prev, str):
        return [prev]
    return [p for p in prev if isinstance(p, str)] if isinstance(prev, list) else []


def _relink(parent_id: str, carriers: dict[str, str], previous_id: str) -> str:
    """An earlier snapshot's (new) id when `parent_id` names one, else the previous entry's."""
    if parent_id and parent_id != ORIGIN_ID and parent_id in carriers:
        return carriers[parent_id]
    return previous_id


def _set(data: dict[str, Any], new_id: str, parents: list[str]) -> None:
    """Keep the file's own key: `prevId` (a string, versions 5 to 7) or `prevIds` (a list, version 8)."""
    data["id"] = new_id
    if "prevIds" in data:
        data["prevIds"] = parents
    else:
        data["prevId"] = parents[0]
