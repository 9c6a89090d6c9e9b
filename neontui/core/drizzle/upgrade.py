"""What drizzle-kit 1.0's `up` will do to a 0.x migrations folder, read before it runs (pure: files only).

`drizzle-kit up` of 1.0.0-rc.5 (`upPgHandler`, `planFoldersV3`, `applyFoldersV3` in its bin.cjs) turns every journal
entry into a folder `<YYYYMMDDHHMMSS>_<name>/` holding `migration.sql` and `snapshot.json` (converted to version 9),
then deletes `meta/`. The folder's time is the entry's `when` in UTC to the second (the milliseconds are lost), and
`<name>` is the tag after its first `_` (`0003_brave_wolverine` → `brave_wolverine`). Before it moves anything it
checks, in this order, and refuses with "No file was changed":

- a journal entry whose `meta/<prefix>_snapshot.json` is missing: "No snapshot was found";
- a journal entry without its SQL file (or several `<prefix>_*.sql` candidates): "has no SQL file";
- a snapshot that is not JSON or has an unsupported version;
- (only when some snapshot is older than version 9) a snapshot whose parent id no snapshot has: "a migration was
  deleted in the middle of the history"; a folder that sorts before its parent's folder (two migrations of one
  second whose names sort the other way: the lost milliseconds reorder them); two first migrations (two
  snapshots without a parent, e.g. after copying the all-zero id around).

Two snapshots with one id are not named by `up`: it keys its map by id, so one of them silently wins (observed: it
then refuses with a confusing order or "two first migrations" error, or converts the wrong schema). They are
reported here as their own problem. SQL files the journal never lists stay loose at the top of the folder, where
drizzle 1.0 never runs them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

from neontui.core.drizzle.folders import (
    LATEST_SNAPSHOT_VERSION,
    NO_SNAPSHOT,
    ORIGIN_ID,
    Snapshot,
    folder_millis,
    locale_key,
    read_snapshot,
)
from neontui.core.drizzle.journal import Journal, Migration, read_journal, read_regular_file
from neontui.core.drizzle.layout import FOLDERS, detect_layout, read_migrations

PREVIEW_SCHEMA_VERSION = 1
META = "meta"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_JS_DATE_LIMIT = 8_640_000_000_000_000  # |ms| beyond this is an Invalid Date in JavaScript

# Problem codes. Blocking ones make `up` refuse (or, for "duplicate-id", convert the wrong snapshot).
MISSING_SNAPSHOT = "missing-snapshot"
MISSING_SQL = "missing-sql"
SQL_CONFLICT = "sql-conflict"
MALFORMED_SNAPSHOT = "malformed-snapshot"
UNSUPPORTED_SNAPSHOT = "unsupported-snapshot"
DELETED_PARENT = "deleted-parent"
DUPLICATE_ID = "duplicate-id"
TWO_FIRST = "two-first"
REORDER = "reorder"
FOLDER_TIME = "folder-time"
# Not blocking: shown so that nothing is a surprise.
SAME_SECOND = "same-second"
SQL_FALLBACK = "sql-fallback"
NO_FILE = NO_SNAPSHOT
REPAIRABLE = (MISSING_SNAPSHOT, DELETED_PARENT, DUPLICATE_ID, TWO_FIRST)


@dataclass(frozen=True)
class Problem:
    code: str
    migrations: tuple[str, ...]  # the journal tags involved
    message: str
    blocking: bool = True

    @property
    def repairable(self) -> bool:
        """Whether `neontui upgrade --repair` fixes it by rewriting snapshot files only."""
        return self.code in REPAIRABLE

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "migrations": list(self.migrations), "message": self.message,
                "blocking": self.blocking, "repairable": self.repairable}


@dataclass(frozen=True)
class Move:
    """One journal entry and the folder `up` makes of it."""

    position: int
    tag: str
    when: int
    folder: str | None  # None: JavaScript cannot format the time (an Invalid Date)
    snapshot_path: Path
    snapshot: Snapshot
    sql_path: Path | None  # the file `up` moves into migration.sql; None when there is none
    raw: bytes | None = field(repr=False)

    @property
    def lost_ms(self) -> int:
        """The milliseconds of `when` the folder name drops (JavaScript's Date floors toward the past)."""
        return self.when % 1000

    @property
    def folder_millis(self) -> int | None:
        return folder_millis(self.folder) if self.folder else None

    def migration(self, position: int) -> Migration:
        """The 1.0 migration this entry becomes: tag = folder name, when = folderMillis, the same bytes."""
        return Migration(position=position, idx=None, tag=self.folder or self.tag, when=self.folder_millis or 0,
                         breakpoints=True, version=LATEST_SNAPSHOT_VERSION, path=self.sql_path or Path(self.tag),
                         raw=self.raw)

    def to_json(self, out_dir: Path) -> dict[str, Any]:
        return {"position": self.position, "tag": self.tag, "when": self.when, "folder": self.folder,
                "folder_millis": self.folder_millis, "lost_ms": self.lost_ms,
                "sql": _rel(self.sql_path, out_dir), "snapshot": _rel(self.snapshot_path, out_dir),
                "snapshot_id": self.snapshot.id, "snapshot_version": self.snapshot.version,
                "snapshot_converted": self.snapshot.version != LATEST_SNAPSHOT_VERSION}


@dataclass(frozen=True)
class Preview:
    """The upgrade of one migrations folder. `layout` "folders": already 1.0, nothing to do."""

    out_dir: Path
    layout: str
    moves: tuple[Move, ...] = ()
    problems: tuple[Problem, ...] = ()
    loose_files: tuple[Path, ...] = ()

    @property
    def needed(self) -> bool:
        return self.layout != FOLDERS

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def repairable(self) -> bool:
        """Every blocking problem can be repaired (and there is at least one)."""
        return bool(self.blocking) and all(p.repairable for p in self.blocking)

    @cached_property
    def entries(self) -> list[Migration]:
        """The 1.0 migrations after the upgrade, in the order drizzle 1.0 applies them (folder name order)."""
        made = [m for m in self.moves if m.folder and m.sql_path]
        return [m.migration(i) for i, m in enumerate(sorted(made, key=lambda m: m.folder or ""))]

    def folder_of(self, tag: str) -> str | None:
        return next((m.folder for m in self.moves if m.tag == tag), None)

    def to_json(self) -> dict[str, Any]:
        return {"layout": self.layout, "needed": self.needed,
                "migrations": [m.to_json(self.out_dir) for m in self.moves],
                "problems": [p.to_json() for p in self.problems],
                "loose_files": [_rel(p, self.out_dir) for p in self.loose_files]}


def folder_name(tag: str, when: int) -> str | None:
    """`${prepareSnapshotFolderName(when)}_${rest.join("_")}` with `[prefix, ...rest] = tag.split("_")`: the UTC
    time to the second, the year unpadded as JavaScript prints it; None for an Invalid Date (or a year Python's
    datetime cannot hold). A `when` of 0 is falsy in JavaScript: `up` names that folder after the current time."""
    if abs(when) > _JS_DATE_LIMIT:
        return None
    try:
        moment = datetime.now(UTC) if when == 0 else _EPOCH + timedelta(milliseconds=when)
    except OverflowError:
        return None
    stamp = f"{moment.year}{moment:%m%d%H%M%S}"
    return f"{stamp}_{'_'.join(tag.split('_')[1:])}"


def sorts_after(folder: str, parent: str) -> bool:
    """`up`'s `folder > parent && folder.localeCompare(parent) > 0`, with folders.locale_key for localeCompare."""
    return folder > parent and locale_key(folder) > locale_key(parent)


def preview(out_dir: Path) -> Preview:
    """The upgrade of `out_dir`; a JournalError when the folder holds no migrations or a broken journal."""
    if detect_layout(out_dir) == FOLDERS:
        journal = read_migrations(out_dir)
        return Preview(out_dir, FOLDERS, loose_files=journal.unlisted_files)
    journal = read_journal(out_dir)
    moves, problems = _moves(journal)
    used = {m.sql_path for m in moves if m.sql_path is not None}
    loose = tuple(p for p in sorted(out_dir.glob("*.sql")) if p.is_file() and p not in used)
    problems += _snapshot_problems(moves) + _order_problems(moves)
    return Preview(out_dir, journal.layout, tuple(moves), tuple(problems), loose)


def read_old_snapshot(path: Path) -> Snapshot:
    """A 0.x snapshot (`prevId`, or `prevIds` from version 8) as far as `up` checks it; a problem, never an
    exception."""
    return read_snapshot(path, legacy=True)


def _moves(journal: Journal) -> tuple[list[Move], list[Problem]]:
    out = journal.folder
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    moves: list[Move] = []
    problems: list[Problem] = []
    for entry in journal.entries:
        prefix = entry.tag.split("_")[0]
        snapshot_path = out / META / f"{prefix}_snapshot.json"
        snapshot = read_old_snapshot(snapshot_path)
        sql_path, raw = (entry.path, entry.raw) if entry.raw is not None else (None, None)
        if sql_path is None:
            candidates = [n for n in names if n.startswith(f"{prefix}_") and n.endswith(".sql")]
            if len(candidates) > 1:
                problems.append(Problem(SQL_CONFLICT, (entry.tag,), f"{entry.tag}.sql is missing and "
                                        f"{', '.join(candidates)} all start with {prefix}_: up refuses (\"Several sql "
                                        "files were found\"); keep one of them"))
            elif candidates:
                sql_path = out / candidates[0]
                raw = read_regular_file(sql_path)
                problems.append(Problem(SQL_FALLBACK, (entry.tag,), f"{entry.tag}.sql is missing: up moves "
                                        f"{candidates[0]} in its place", blocking=False))
            else:
                problems.append(Problem(MISSING_SQL, (entry.tag,), f"{entry.tag} has no SQL file: up refuses "
                                        f"(\"the journal entry {entry.tag} has no SQL file\"); restore "
                                        f"{entry.tag}.sql from git"))
        move = Move(entry.position, entry.tag, entry.when, folder_name(entry.tag, entry.when), snapshot_path,
                    snapshot, sql_path, raw)
        moves.append(move)
        problems.extend(_time_problems(move))
    return moves, problems


def _time_problems(move: Move) -> list[Problem]:
    if move.folder is None or move.folder_millis is None:
        return [Problem(FOLDER_TIME, (move.tag,), f"{move.tag}: when {move.when} is no date drizzle 1.0 can put in a "
                        "folder name (it could never record or order the migration); fix its when in the journal")]
    if move.when == 0:
        return [Problem(FOLDER_TIME, (move.tag,), f"{move.tag}: when is 0, which up reads as \"now\": the folder "
                        "would be named after the time up runs; give it its real time in the journal")]
    return []


def _snapshot_problems(moves: list[Move]) -> list[Problem]:
    problems: list[Problem] = []
    carriers: dict[str, list[str]] = defaultdict(list)
    for move in moves:
        snap = move.snapshot
        where = move.snapshot_path.relative_to(move.snapshot_path.parent.parent)
        if snap.problem == NO_FILE:
            problems.append(Problem(MISSING_SNAPSHOT, (move.tag,), f"{move.tag} has no snapshot ({where}): up refuses "
                                    "(\"No snapshot was found\")"))
        elif snap.problem is not None:
            problems.append(Problem(MALFORMED_SNAPSHOT, (move.tag,), f"{where}: {snap.problem}: "
                                    "up refuses (\"data is malformed\"); restore it from git"))
        elif not _supported(snap.version):
            problems.append(Problem(UNSUPPORTED_SNAPSHOT, (move.tag,), f"{where} is of version {snap.version}: up "
                                    "refuses (\"unsupported version, please update drizzle-kit\")"))
        if snap.id:
            carriers[snap.id].append(move.tag)
    for snapshot_id, tags in carriers.items():
        if len(tags) > 1 or snapshot_id == ORIGIN_ID:
            what = "the all-zero id, which means \"no parent\"" if snapshot_id == ORIGIN_ID else f"one id {snapshot_id}"
            problems.append(Problem(DUPLICATE_ID, tuple(tags), f"{', '.join(tags)} carry {what}: up cannot tell "
                                    "them apart (it refuses with a misleading error or converts the wrong snapshot)"))
    if any(m.snapshot.version != LATEST_SNAPSHOT_VERSION for m in moves if m.snapshot.id):
        problems += _chain_problems(moves)
    return problems


def _supported(version: str | None) -> bool:
    try:
        number = float(version or "")
    except ValueError:
        return False
    return 0 < number <= int(LATEST_SNAPSHOT_VERSION)


def _chain_problems(moves: list[Move]) -> list[Problem]:
    """The parent checks `up` makes on the snapshots (in folder order, as it does)."""
    files = sorted((m for m in moves if m.snapshot.id and m.folder), key=lambda m: m.folder or "")
    by_id = {m.snapshot.id: m for m in files}
    problems: list[Problem] = []
    for move in files:
        for parent_id in move.snapshot.prev_ids:
            if parent_id and parent_id != ORIGIN_ID and parent_id not in by_id:
                problems.append(Problem(DELETED_PARENT, (move.tag,), f"{move.tag}'s snapshot follows snapshot "
                                        f"{parent_id}, which no migration has: up refuses (\"a migration was deleted "
                                        "in the middle of the history\")"))
    roots = [m.tag for m in files if all(not p or p == ORIGIN_ID for p in m.snapshot.prev_ids)]
    if len(roots) > 1:
        problems.append(Problem(TWO_FIRST, tuple(roots), f"{', '.join(roots)} all claim to be the first migration "
                                "(no parent snapshot): up refuses (\"the folder has two first migrations\")"))
    return problems


def _order_problems(moves: list[Move]) -> list[Problem]:
    """Folder names vs journal order, from the names alone: two entries of one second keep their journal order only
    if their names sort that way; `up` refuses a folder that sorts before its parent (the previous entry)."""
    problems: list[Problem] = []
    seconds: dict[int, list[Move]] = defaultdict(list)
    named = [m for m in moves if m.folder and m.folder_millis is not None]
    for move in named:
        seconds[move.folder_millis or 0].append(move)
    for before, after in pairwise(named):
        if not sorts_after(after.folder or "", before.folder or ""):
            same = "the same folder name" if after.folder == before.folder else "folder names that sort the other way"
            problems.append(Problem(REORDER, (before.tag, after.tag), f"{after.tag} (when {after.when}) follows "
                                    f"{before.tag} (when {before.when}) in the journal, but without the milliseconds "
                                    f"they get {same} ({before.folder}, {after.folder}): up refuses (\"sorts before "
                                    f"its parent\"); set when of {after.tag} to at least {_next_second(before)} in "
                                    "meta/_journal.json"))
    for group in seconds.values():
        if len(group) > 1:
            tags = [m.tag for m in group]
            problems.append(Problem(SAME_SECOND, tuple(tags), f"{', '.join(tags)} were generated in the same second: "
                                    "their folders share one created_at, drizzle 1.0 orders them by name",
                                    blocking=False))
    return problems


def _next_second(move: Move) -> int:
    return (move.when // 1000 + 1) * 1000


def _rel(path: Path | None, out_dir: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.relative_to(out_dir))
    except ValueError:
        return str(path)
