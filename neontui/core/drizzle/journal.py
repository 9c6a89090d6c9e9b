"""The migrations folder as drizzle reads it: meta/_journal.json, the SQL files, drizzle's hash and split.

`drizzle_hash` and `split_statements` are the only implementations of drizzle's hash and breakpoint split in
neontui; everything else (status, migrator, safety rules, the console) calls them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neontui.core.drizzle.file_facts import FactsCache, FileFacts, is_regular
from neontui.core.errors import JournalError
from neontui.core.sql.parse import SqlSyntaxError, scan
from neontui.core.sql.positions import line_column

if TYPE_CHECKING:
    from neontui.core.drizzle.folders import Folders

BREAKPOINT = "--> statement-breakpoint"
JOURNAL_RELPATH = Path("meta") / "_journal.json"
# First line of the file `drizzle-kit pull` writes: its SQL is commented out and fails to run
# (docs/compatibility.md#drizzle-pulled-files).
PULL_HEADER = "-- Current sql file was generated after introspecting the database"
POSTGRES_DIALECTS = ("postgresql", "pg")
# The ledger's created_at is a bigint: a `when` outside it can never be recorded (drizzle-kit fails on the insert).
BIGINT = (-(2**63), 2**63 - 1)


def decode_sql(raw: bytes) -> str:
    """The text drizzle sees: node's Buffer.toString() replaces invalid UTF-8 with U+FFFD and keeps a BOM."""
    return raw.decode("utf-8", "replace")


def drizzle_hash(raw: bytes) -> str:
    """SHA-256 of the file as drizzle-orm 0.45 computes it (over the decoded text, not the raw bytes)."""
    return hashlib.sha256(decode_sql(raw).encode("utf-8")).hexdigest()


def split_statements(text: str) -> list[str]:
    """drizzle's split: on the literal marker, chunks verbatim, whatever the journal's `breakpoints` says."""
    return text.split(BREAKPOINT)


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; OSError for anything else. Opened non-blocking, so a FIFO or a device in
    place of a journal or a migration never leaves neontui waiting for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return _read_all(fd)
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    """os.read to the end: no file object per file (status reads thousands of small ones)."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def unterminated_comment(chunk: str) -> bool:
    """Whether PostgreSQL's lexer finds a /* comment in `chunk` that never ends."""
    try:
        scan(chunk)
    except SqlSyntaxError as exc:
        return "unterminated /* comment" in str(exc)
    return False


def when_utc(when: int) -> datetime | None:
    """A journal `when` (epoch milliseconds) as a UTC time; None when no calendar date can show it."""
    try:
        return datetime.fromtimestamp(when / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def check_nul_bytes(entries: Iterable[Migration]) -> None:
    """Refuse a run before anything runs when a file holds a NUL byte: libpq ends the query text there, so the
    rest of the file would silently not run and still be recorded as applied (drizzle-kit migrate fails on it:
    the server answers "invalid message format"). The one check the migrator, the dry run and apply.execute call."""
    for entry in entries:
        if entry.nul_at is not None:
            line, column = entry.nul_at
            raise JournalError(f"{entry.path}:{line}:{column}: a NUL byte, which PostgreSQL cannot run (the rest of "
                               "the file would be silently dropped): nothing was run",
                               hint="remove the NUL byte from the file")


@dataclass(frozen=True)
class Migration:
    """One journal entry with its file as drizzle would read it."""

    position: int  # index in the journal's entries array: the order drizzle applies in
    idx: int | None
    tag: str
    when: int
    breakpoints: bool
    version: str | None
    path: Path
    raw: bytes | None = field(repr=False)  # None when the file is missing, or when read from `facts`
    # status's facts of an unchanged file, from the file-facts cache instead of its bytes: then `raw`, `text` and
    # `statements` are not loaded, and hash, statement_count and the content checks answer from here.
    facts: FileFacts | None = field(default=None, repr=False, compare=False)

    @property
    def exists(self) -> bool:
        return self.raw is not None or self.facts is not None

    @cached_property
    def text(self) -> str | None:
        return None if self.raw is None else decode_sql(self.raw)

    @cached_property
    def hash(self) -> str | None:
        if self.facts is not None:
            return self.facts.hash
        return None if self.raw is None else drizzle_hash(self.raw)

    @cached_property
    def statements(self) -> list[str]:
        return [] if self.text is None else split_statements(self.text)

    @property
    def statement_count(self) -> int:
        return self.facts.statements if self.facts is not None else len(self.statements)

    @property
    def has_bom(self) -> bool:
        if self.facts is not None:
            return self.facts.bom
        return self.text is not None and self.text.startswith("\ufeff")

    @cached_property
    def statement_lines(self) -> list[int]:
        """1-based line in the file where each statement chunk starts."""
        lines, line = [], 1
        for chunk in self.statements:
            lines.append(line)
            line = line_column(chunk, len(chunk), start=(line, 1))[0]
        return lines

    @cached_property
    def nul_at(self) -> tuple[int, int] | None:
        """(line, column), 1-based, of the first NUL character in the file, or None."""
        if self.facts is not None:
            return self.facts.nul_at
        text = self.text or ""
        offset = text.find("\x00")
        if offset < 0:
            return None
        return line_column(text, offset)

    @property
    def valid_utf8(self) -> bool:
        if self.facts is not None:
            return self.facts.valid_utf8
        if self.raw is None:
            return True
        try:
            self.raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    @cached_property
    def is_unrunnable_pull(self) -> bool:
        """The file `drizzle-kit pull` writes, still commented out so that drizzle's split cuts the comment into
        chunks PostgreSQL rejects. Decided from the chunks themselves: the header alone (a pulled file that was
        uncommented, or one without breakpoints in its comment) runs fine."""
        if self.facts is not None:
            return self.facts.unrunnable_pull
        if self.text is None or not self.text.lstrip("\ufeff").startswith(PULL_HEADER):
            return False
        return any(unterminated_comment(chunk) for chunk in self.statements)

    def file_facts(self) -> FileFacts | None:
        """What the file-facts cache keeps of this file (None when it is missing): computed by the properties
        above, the one implementation of each check."""
        if not self.exists:
            return None
        return FileFacts(hash=self.hash or "", statements=self.statement_count, nul_at=self.nul_at,
                         valid_utf8=self.valid_utf8, bom=self.has_bom, unrunnable_pull=self.is_unrunnable_pull)


@dataclass(frozen=True)
class JournalIssue:
    code: str  # "when-order", "duplicate-tag", "pulled-file", "bom", "invalid-utf8", "nul-byte"
    tag: str
    message: str


@dataclass(frozen=True)
class Journal:
    """The migrations of one folder in the order drizzle applies them, whichever layout holds them: a 0.x
    `meta/_journal.json` ("journal") or 1.0 folders ("folders", with `folders` holding their snapshots)."""

    path: Path  # the journal file, or the migrations folder itself for the 1.0 layout
    folder: Path
    version: str | None
    dialect: str
    entries: tuple[Migration, ...]
    unlisted_files: tuple[Path, ...]  # .sql files drizzle never runs
    layout: str = "journal"
    folders: Folders | None = None

    @property
    def is_folders(self) -> bool:
        return self.layout == "folders"

    @cached_property
    def issues(self) -> tuple[JournalIssue, ...]:
        found = list(self.folders.issues) if self.folders is not None else _order_issues(self.entries)
        for entry in self.entries:
            found.extend(content_issues(entry))
        return tuple(found)


def _order_issues(entries: Iterable[Migration]) -> list[JournalIssue]:
    """A 0.x journal's own traps: a tag listed twice, and a `when` that the high-water mark would skip."""
    found: list[JournalIssue] = []
    seen: dict[str, int] = {}
    newest: Migration | None = None
    for entry in entries:
        if entry.tag in seen:
            found.append(JournalIssue("duplicate-tag", entry.tag,
                                      f"{entry.tag} is listed twice in the journal (positions "
                                      f"{seen[entry.tag]} and {entry.position})"))
        seen.setdefault(entry.tag, entry.position)
        if newest is not None and entry.when <= newest.when:
            found.append(JournalIssue(
                "when-order", entry.tag,
                f"{entry.tag} (when {entry.when}) follows {newest.tag} (when {newest.when}) but is not newer: "
                f"once {newest.tag} is applied, drizzle skips {entry.tag} forever",
            ))
        if newest is None or entry.when > newest.when:
            newest = entry
    return found


def content_issues(entry: Migration) -> list[JournalIssue]:
    """What in a migration's file makes drizzle fail on it or run something else than it shows."""
    found: list[JournalIssue] = []
    if not entry.exists:
        return found
    name = _shown_name(entry)
    if entry.is_unrunnable_pull:
        found.append(JournalIssue(
            "pulled-file", entry.tag,
            f"{entry.tag} is the commented-out output of drizzle-kit pull: migrate fails on it "
            "(an unterminated /* comment once split at its statement breakpoints); uncomment it or drop it",
        ))
    if entry.has_bom:
        found.append(JournalIssue(
            "bom", entry.tag,
            f"{name} starts with a UTF-8 byte order mark: PostgreSQL rejects it as a syntax error, "
            "so drizzle-kit migrate fails; save the file without BOM",
        ))
    if not entry.valid_utf8:
        found.append(JournalIssue(
            "invalid-utf8", entry.tag,
            f"{name} is not valid UTF-8: drizzle replaces the bad bytes with U+FFFD before running and hashing it",
        ))
    if entry.nul_at is not None:
        line, column = entry.nul_at
        found.append(JournalIssue(
            "nul-byte", entry.tag,
            f"{name} has a NUL byte at line {line}, column {column}: PostgreSQL cannot run it "
            "(drizzle-kit migrate fails on it without saying why); remove it",
        ))
    return found


def _shown_name(entry: Migration) -> str:
    name = entry.path.name
    return name if name != "migration.sql" else f"{entry.tag}/migration.sql"


def read_journal(out_dir: Path, facts: FactsCache | None = None) -> Journal:
    """Read `<out>/meta/_journal.json` and every file it lists, like drizzle-orm's readMigrationFiles. With `facts`
    (status only), an unchanged file is not read: its Migration answers from the cache (see Migration.facts)."""
    path = out_dir / JOURNAL_RELPATH
    try:
        raw = read_regular_file(path)
    except FileNotFoundError:
        raise JournalError(f"{path}: no migrations journal (drizzle-kit says \"Can't find meta/_journal.json\")",
                           hint="run drizzle-kit generate, or pass --out if the migrations live elsewhere") from None
    except OSError as exc:
        raise JournalError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        # A BOM, NaN and Infinity fail here as in node's JSON.parse.
        data = json.loads(raw.decode("utf-8"), parse_constant=_not_json, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise JournalError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise JournalError(f"{path}: not UTF-8 text") from None
    except RecursionError:  # thousands of nested brackets: not a journal drizzle-kit writes
        raise JournalError(f"{path}: invalid journal: nested too deeply") from None
    except ValueError as exc:  # from _not_json and _json_int
        raise JournalError(f"{path}: invalid journal: {exc}") from None
    if not isinstance(data, dict):
        raise JournalError(f"{path}: expected a JSON object at the top level")
    dialect = data.get("dialect")
    if dialect is not None and dialect not in POSTGRES_DIALECTS:
        raise JournalError(f"{path}: dialect is {dialect!r}; neontui handles PostgreSQL journals "
                           "(\"postgresql\" or the legacy \"pg\")")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise JournalError(f"{path}: \"entries\" must be a list")
    entries = tuple(_entry(path, out_dir, position, item, facts) for position, item in enumerate(raw_entries))
    if facts is not None:
        facts.save()
    listed = {e.tag for e in entries}
    unlisted = tuple(out_dir / name for name in sql_file_names(out_dir) if _stem(name) not in listed)
    version = data.get("version")
    return Journal(path=path, folder=out_dir, version=str(version) if version is not None else None,
                   dialect=dialect or "postgresql", entries=entries, unlisted_files=unlisted)


def sql_file_names(folder: Path) -> list[str]:
    """The names `folder.glob("*.sql")` finds (files or not, hidden ones too), sorted, from one os.scandir."""
    try:
        with os.scandir(folder) as listing:
            return sorted(entry.name for entry in listing if entry.name.endswith(".sql"))
    except OSError:
        return []


def _stem(name: str) -> str:
    """Path(name).stem of a name ending in .sql (".sql" itself is a hidden file without suffix)."""
    return name[:-4] if name != ".sql" else name


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")


def _json_int(digits: str) -> int:
    if len(digits) > sys.get_int_max_str_digits():  # int() would raise with advice about Python internals
        raise ValueError(f"a number {len(digits)} digits long")
    return int(digits)


def migration_path(out_dir: Path, tag: str) -> Path:
    """The file drizzle reads for a journal tag: `${folder}/${tag}.sql`, so a tag "/x" or "../x" names what drizzle
    would read, never an absolute path."""
    return Path(f"{out_dir}/{tag}.sql")


def _entry(path: Path, out_dir: Path, position: int, item: object, facts: FactsCache | None) -> Migration:
    where = f"{path}: entries[{position}]"
    if not isinstance(item, dict):
        raise JournalError(f"{where} must be an object")
    tag, when = item.get("tag"), item.get("when")
    if not isinstance(tag, str) or not tag:
        raise JournalError(f"{where} has no \"tag\" string")
    if "\x00" in tag:  # no file name can hold it (node's fs refuses it too)
        raise JournalError(f"{where} has a NUL byte in its tag {tag!r}")
    if not isinstance(when, int) or isinstance(when, bool):
        raise JournalError(f"{where} ({tag}) has no integer \"when\" (got {when!r})")
    if not BIGINT[0] <= when <= BIGINT[1]:
        raise JournalError(f"{where} ({tag}) has a \"when\" outside the ledger's bigint created_at (got {when})")
    idx = item.get("idx")
    sql_path = migration_path(out_dir, tag)
    version = item.get("version")
    return read_migration_file(
        facts,
        position=position,
        idx=idx if isinstance(idx, int) and not isinstance(idx, bool) else None,
        tag=tag,
        when=when,
        breakpoints=bool(item.get("breakpoints", True)),
        version=str(version) if version is not None else None,
        path=sql_path,
    )


def read_migration_file(facts: FactsCache | None, *, path: Path, **entry: Any) -> Migration:
    """The Migration of the file at `path` (`entry`: its other fields); a missing file is one without bytes, any other
    unreadable one a JournalError. With `facts`, a file whose stat signature is cached is not opened, and the facts of
    one that is read are stored."""
    key = str(path)
    st: os.stat_result | None = None  # a missing file has none, and is never cached
    try:
        st = os.stat(key) if facts is not None else None
        if st is not None and facts is not None and is_regular(st) and (known := facts.lookup(key, st)) is not None:
            return Migration(path=path, raw=None, facts=known, **entry)
        raw: bytes | None = read_regular_file(path)
    except FileNotFoundError:
        raw = None
    except OSError as exc:
        raise JournalError(f"{path}: cannot read: {exc.strerror}") from None
    migration = Migration(path=path, raw=raw, **entry)
    if facts is not None and st is not None and (found := migration.file_facts()) is not None:
        facts.store(key, st, found)
    return migration
