"""What status needs to know of each migration file, cached between runs so that an unchanged project is judged
from one cache read instead of opening every .sql file (docs/performance.md#the-file-facts-cache).

The cache holds derived facts only (drizzle's hash, the statement count, the BOM / UTF-8 / NUL / pulled-file
checks), never SQL text. One JSON file per migrations folder under the user cache folder, keyed per file by its
path and a stat signature. Every failure is a miss: a corrupt, foreign or unreadable cache is ignored and rewritten;
a cache folder that cannot be written is left alone. A cached fact is never trusted for a file whose signature
differs in any part.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from neontui.core.paths import cache_dir, write_json_atomic

# Bump when the facts or their meaning change (a new check, drizzle's hash or split rule): old files are then ignored.
FORMAT = 1
# A file changed less than this long before it was read is not cached: a rewrite within the file system's timestamp
# granularity (up to 2 s on FAT/SMB, a scheduler tick on ext4) could keep the same size, mtime and ctime.
RACY_NS = 2_000_000_000

# (st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns). ctime is the part a user cannot set back (`touch -d` and
# `git checkout` restore mtime but move ctime), so "same size, mtime restored" is still seen as a change; the inode
# and device catch a file replaced by another one (an editor's save-by-rename, a different mount at the same path).
Signature = tuple[int, int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def is_regular(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode)


@dataclass(frozen=True)
class FileFacts:
    """A migration file's facts as journal.Migration computes them from its bytes (it is their one source)."""

    hash: str  # journal.drizzle_hash of the file
    statements: int  # chunks of journal.split_statements
    nul_at: tuple[int, int] | None
    valid_utf8: bool
    bom: bool
    unrunnable_pull: bool

    def to_json(self) -> list[object]:
        return [self.hash, self.statements, list(self.nul_at) if self.nul_at else None, self.valid_utf8, self.bom,
                self.unrunnable_pull]

    @staticmethod
    def from_json(item: list[object]) -> FileFacts | None:
        """The facts of one stored row; None for anything this version did not write."""
        try:
            digest, statements, nul_at, valid_utf8, bom, pull = item
        except (TypeError, ValueError):
            return None
        nul = _position(nul_at)
        if (not isinstance(digest, str) or len(digest) != 64 or type(statements) is not int
                or (nul_at is not None and nul is None) or not all(type(v) is bool for v in (valid_utf8, bom, pull))):
            return None
        return FileFacts(digest, statements, nul, bool(valid_utf8), bool(bom), bool(pull))


def _position(value: object) -> tuple[int, int] | None:
    """A stored (line, column); None for none or a malformed one."""
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        return (value[0], value[1])
    return None


class FactsCache:
    """The facts of one migrations folder: `lookup` before reading a file, `store` after, `save` once at the end."""

    def __init__(self, folder: Path, path: Path | None = None) -> None:
        self.folder = str(folder)
        try:
            self.path: Path | None = path or cache_file(folder)
        except RuntimeError:  # no home folder to find the cache in: status reads every file, as without a cache
            self.path = None
        self._stored: dict[str, list[object]] = {}
        self._kept: dict[str, list[object]] = {}
        self._changed = False
        self._started = time.time_ns()
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):
            return  # no cache yet, or one that is unreadable or corrupt: every file is a miss
        if (isinstance(data, dict) and data.get("format") == FORMAT and data.get("folder") == self.folder
                and isinstance(data.get("files"), dict)):
            self._stored = data["files"]

    def lookup(self, path: str, st: os.stat_result) -> FileFacts | None:
        """The cached facts of `path` if it was cached with exactly this signature, else None (read the file)."""
        row = self._stored.get(path)
        if not isinstance(row, list) or len(row) != 2 or row[0] != list(signature(st)):
            return None
        facts = FileFacts.from_json(row[1]) if isinstance(row[1], list) else None
        if facts is not None:
            self._kept[path] = row
        return facts

    def store(self, path: str, st: os.stat_result, facts: FileFacts) -> None:
        """Remember the facts of `path` read after `st` was taken (so a later change always moves the signature);
        a file changed just before is left out, see RACY_NS."""
        self._changed = True
        if self._started - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            self._kept[path] = [list(signature(st)), facts.to_json()]

    def save(self) -> None:
        """Write the facts of the files seen in this run (so deleted files drop out), atomically; silent on
        failure (a read-only home only costs the next run its speed). Nothing is written when nothing changed."""
        if self.path is None or (not self._changed and len(self._kept) == len(self._stored)):
            return
        write_json_atomic(self.path, {"format": FORMAT, "folder": self.folder, "files": self._kept}, indent=None)


def cache_file(folder: Path) -> Path:
    """The cache of one migrations folder: named after its absolute path, so projects never share a file."""
    name = hashlib.sha256(os.path.abspath(folder).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / "file-facts" / f"{name}.json"
