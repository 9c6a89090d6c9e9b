"""The drizzle 1.0 migrations folder: one `<YYYYMMDDHHMMSS>_<name>/` folder per migration, read as drizzle-orm 1.0's
readMigrationFiles reads it (docs/compatibility.md#drizzle-10-folders).

A migration is every sub-folder holding `migration.sql`, in name order; its identity is the folder name and the
time of its first 14 characters (UTC, whole seconds), which the 1.0 migrator records as `created_at`. Each folder
also holds `snapshot.json`: drizzle-kit 1.0 checks those before it migrates (version, the `prevIds` chain, diverging
branches), so what it would refuse is read here too.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

from neontui.core.drizzle.file_facts import FactsCache
from neontui.core.drizzle.journal import JournalIssue, Migration, read_migration_file, read_regular_file, sql_file_names

MIGRATION_FILE = "migration.sql"
SNAPSHOT_FILE = "snapshot.json"
# The snapshot version drizzle-kit 1.0.0-rc.5 writes and requires before it migrates; older ones need `drizzle-kit up`.
LATEST_SNAPSHOT_VERSION = "9"
# drizzle-kit's id of the snapshot before the first one.
ORIGIN_ID = "00000000-0000-0000-0000-000000000000"
FOLDER_NAME = re.compile(r"^(\d{14})_")
NO_SNAPSHOT = "missing"  # Snapshot.problem of a folder without its snapshot file


def folder_millis(name: str) -> int | None:
    """The `created_at` drizzle 1.0 records for a folder: its first 14 characters as a UTC time in milliseconds,
    computed like JavaScript's Date.UTC (formatToMillis), which rolls over out-of-range parts (month 13 is January of
    the next year); None when they are not 14 digits, which drizzle cannot record either (NaN)."""
    match = FOLDER_NAME.match(name)
    if match is None:
        return None
    digits = match.group(1)
    year, month, day, hour, minute, second = (int(digits[a:b]) for a, b in
                                              ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14)))
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    moment = datetime(year, month, 1, tzinfo=UTC) + timedelta(days=day - 1, hours=hour, minutes=minute,
                                                              seconds=second)
    return int(moment.timestamp()) * 1000


@dataclass(frozen=True)
class Snapshot:
    """A folder's snapshot.json, as far as drizzle-kit's pre-migrate checks look at it."""

    path: Path
    id: str | None
    prev_ids: tuple[str, ...]
    version: str | None
    problem: str | None  # why drizzle-kit cannot use it (missing, not JSON, no id or prevIds); None when it can

    @property
    def is_base(self) -> bool:
        return self.prev_ids == (ORIGIN_ID,)


@dataclass(frozen=True)
class Folders:
    """The migrations of a 1.0 folder, each a Migration whose tag is the folder name and `when` its folderMillis."""

    folder: Path
    entries: tuple[Migration, ...]
    snapshots: dict[str, Snapshot]  # by folder name, for every migration folder (also one without migration.sql)
    empty_folders: tuple[Path, ...]  # sub-folders without migration.sql: the migrator ignores them
    loose_files: tuple[Path, ...]  # .sql files at the top of the folder: 1.0 never runs them

    @cached_property
    def issues(self) -> tuple[JournalIssue, ...]:
        found = [*_name_issues(self.entries), *_snapshot_issues(self.snapshots)]
        for folder in self.empty_folders:
            found.append(JournalIssue(
                "missing-file", folder.name,
                f"{folder.name}/ has no {MIGRATION_FILE}: drizzle 1.0 skips the folder without a word"))
        return tuple(found)

    @cached_property
    def branches(self) -> list[tuple[str, list[str]]]:
        """Snapshots that more than one migration builds on: (parent folder, [child folders]). drizzle-kit 1.0
        refuses to migrate when the branches' statements conflict (`drizzle-kit check` names them)."""
        by_id = {s.id: name for name, s in self.snapshots.items() if s.id}
        children: dict[str, list[str]] = defaultdict(list)
        for name, snapshot in sorted(self.snapshots.items()):
            for prev in snapshot.prev_ids:
                children[prev].append(name)
        return [(by_id.get(prev, prev), kids) for prev, kids in children.items() if len(kids) > 1]


def has_folders(out_dir: Path) -> list[Path]:
    """The sub-folders of `out_dir` that look like 1.0 migrations (a migration.sql or a snapshot.json inside)."""
    # One os.scandir: its entries know their type without a stat, so a 0.x folder of 10,000 .sql files costs no
    # per-file Path or system call here (layout detection runs this on every status).
    try:
        with os.scandir(out_dir) as listing:
            names = sorted(entry.name for entry in listing if _is_dir(entry))
    except OSError:
        return []
    children = [out_dir / name for name in names]
    return [c for c in children if (c / MIGRATION_FILE).exists() or (c / SNAPSHOT_FILE).exists()]


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Path.is_dir's answer (a folder or a link to one; False when it cannot be told)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_folders(out_dir: Path, candidates: list[Path] | None = None, facts: FactsCache | None = None) -> Folders:
    """Every 1.0 migration folder in `out_dir`, in the order drizzle-orm 1.0 applies them; `candidates`: what
    has_folders already found there (layout detection lists the folder once); `facts`: as in read_journal."""
    candidates = has_folders(out_dir) if candidates is None else candidates
    entries: list[Migration] = []
    empty: list[Path] = []
    snapshots: dict[str, Snapshot] = {}
    for child in sorted(candidates, key=lambda c: locale_key(c.name)):
        snapshots[child.name] = read_snapshot(child / SNAPSHOT_FILE)
        millis = folder_millis(child.name)
        migration = read_migration_file(facts, path=child / MIGRATION_FILE, position=len(entries), idx=None,
                                        tag=child.name, when=millis if millis is not None else 0, breakpoints=True,
                                        version=snapshots[child.name].version)
        if not migration.exists:
            empty.append(child)
            continue
        entries.append(migration)
    if facts is not None:
        facts.save()
    loose = tuple(p for p in (out_dir / name for name in sql_file_names(out_dir)) if p.is_file())
    return Folders(folder=out_dir, entries=tuple(entries), snapshots=snapshots, empty_folders=tuple(empty),
                   loose_files=loose)


def locale_key(name: str) -> tuple[str, str, str]:
    """drizzle sorts folder names with JavaScript's localeCompare. Names that start with 14 digits differ only after
    them within one second; there ICU's order is approximated: case-insensitive first, punctuation before digits
    before letters."""
    suffix = name[14:].casefold().translate(_PUNCTUATION_FIRST)
    return name[:14], suffix, name


# Punctuation drizzle-kit's names can hold, moved below the digits (ICU orders them so).
_PUNCTUATION_FIRST = str.maketrans({"_": "\x01", "-": "\x02", ".": "\x03"})


def read_snapshot(path: Path, *, legacy: bool = False) -> Snapshot:
    """The parts of a snapshot.json that drizzle-kit's checks read; a problem instead of an exception. `legacy`
    reads a 0.x `meta/NNNN_snapshot.json` too, whose parent is one `prevId` string (what `drizzle-kit up` reads)."""
    try:
        data = json.loads(read_regular_file(path).decode("utf-8"))
    except FileNotFoundError:
        return Snapshot(path, None, (), None, NO_SNAPSHOT)
    except OSError as exc:
        return Snapshot(path, None, (), None, f"cannot be read: {exc.strerror}")
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Snapshot(path, None, (), None, "not valid JSON")
    if not isinstance(data, dict):
        return Snapshot(path, None, (), None, "not a JSON object")
    version = data.get("version")
    prev = data.get("prevIds", data.get("prevId") if legacy else None)
    if isinstance(prev, str) and legacy:
        prev = [prev]
    prev_ids = tuple(p for p in prev if isinstance(p, str)) if isinstance(prev, list) else ()
    snapshot_id = data.get("id") if isinstance(data.get("id"), str) and data.get("id") else None
    problem = "no id" if not snapshot_id else None if isinstance(prev, list) else "no prevIds list"
    return Snapshot(path, snapshot_id, prev_ids, None if version is None else str(version), problem)


def _name_issues(entries: tuple[Migration, ...]) -> list[JournalIssue]:
    return [JournalIssue("folder-name", entry.tag,
                         f"{entry.tag}/ does not start with a valid YYYYMMDDHHMMSS time: drizzle 1.0 cannot record "
                         "when it was made (created_at), so migrate fails on it; rename the folder")
            for entry in entries if folder_millis(entry.tag) is None]


def _snapshot_issues(snapshots: dict[str, Snapshot]) -> list[JournalIssue]:
    """What drizzle-kit 1.0 checks in the history before generate, check and migrate (its skills/drizzle/
    migrations.md, "Errors in the migrations folder"): each stops `drizzle-kit migrate` with a check_error."""
    found: list[JournalIssue] = []
    folder_of = {s.id: name for name, s in snapshots.items() if s.id}
    bases = [name for name, s in snapshots.items() if s.problem is None and s.is_base]
    for name in bases[1:]:
        found.append(JournalIssue(
            "second-base", name, f"{name}/ is a second first migration (its snapshot builds on nothing, like "
                                 f"{bases[0]}/): two branches each started from an empty folder; drizzle-kit 1.0 "
                                 "migrate refuses it; delete one of them and every migration after it, then generate"))
    for name, snapshot in snapshots.items():
        found.extend(_one_snapshot(name, snapshot, folder_of))
    return found


def _one_snapshot(name: str, snapshot: Snapshot, folder_of: dict[str, str]) -> list[JournalIssue]:
    if snapshot.problem == NO_SNAPSHOT:
        return []  # rc.5 leaves the folder out of its checks and migrates it; one built on it is broken-history
    if snapshot.problem is not None:
        return [JournalIssue("snapshot", name, f"{name}/snapshot.json: {snapshot.problem}: drizzle-kit 1.0 migrate "
                                               "refuses to run until it is restored (drizzle-orm's migrate() does "
                                               "not read snapshots)")]
    found = []
    if snapshot.version != LATEST_SNAPSHOT_VERSION:
        found.append(JournalIssue(
            "snapshot-version", name,
            f"{name}/snapshot.json is version {snapshot.version}, not {LATEST_SNAPSHOT_VERSION}: drizzle-kit 1.0 "
            "migrate refuses it; run drizzle-kit up"))
    for prev in snapshot.prev_ids:
        parent = folder_of.get(prev)
        if prev != ORIGIN_ID and parent is None:
            found.append(JournalIssue(
                "broken-history", name,
                f"{name}/snapshot.json builds on snapshot {prev}, which no folder holds (a migration was deleted "
                "from the middle of the history): drizzle-kit 1.0 migrate exits 1; restore the deleted folder"))
        elif parent is not None and locale_key(parent) >= locale_key(name):
            found.append(JournalIssue(
                "folder-order", name,
                f"{name}/ sorts before its parent {parent}/, so the migrator would run it first: drizzle-kit 1.0 "
                f"migrate refuses it; rename the folder so that it sorts after {parent}"))
    return found
