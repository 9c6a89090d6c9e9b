"""Append-only audit log: one JSON line per action (dry-run, migrate, push, generate…) that neontui ran.

Where: `<project root>/.neontui/audit.jsonl`, or `audit_log` in neontui.toml (relative to the project root).

Each record says when, what, who (OS user, host, git state of the project), against which database (host and name,
never credentials), in which environment, which migrations, how far the checklist was and which findings were
acknowledged, the restore point taken before the run, and how it ended.

Guarantees:

* never a secret: every string is redacted before serialising and the serialised line is redacted again;
* lines are never rewritten: the file is opened O_APPEND and each record is one os.write of one whole line, then
  fsync'ed, so concurrent writers on a local file system never interleave partial lines;
* reading is tolerant: a corrupt line (a crash mid-write, a hand edit) is skipped and counted, never fatal.
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from neontui.core.db.url import parse_url
from neontui.core.drizzle.journal import Migration
from neontui.core.errors import ConfigError, NeontuiError
from neontui.core.gate.checklist import Checklist, operator
from neontui.core.gate.environment import Environment
from neontui.core.gate.settings import Settings
from neontui.core.migrate.restore import RestorePoint
from neontui.core.redact import redact

__all__ = [
    "DEFAULT_AUDIT_PATH",
    "WITHHELD",
    "AuditError",
    "AuditLog",
    "AuditRecord",
    "build_record",
    "format_records",
    "git_state",
    "serialize",
]

DEFAULT_AUDIT_PATH = Path(".neontui") / "audit.jsonl"
GIT_TIMEOUT_S = 5.0
_MAX_ERROR_CHARS = 1000


class AuditError(NeontuiError):
    """The audit log could not be written."""


@dataclass
class AuditRecord:
    time: str  # UTC, ISO 8601 with milliseconds
    action: str  # "dry-run", "migrate", "push", "generate", …
    user: str
    hostname: str
    git: dict[str, Any]  # {branch, commit, dirty}; null values when not a repository or git is missing
    target: dict[str, Any] | None  # {host, port, database, neon, endpoint_id, pooled}; None without a URL
    environment: dict[str, Any] | None  # {name, production, reason}
    migrations: list[dict[str, Any]]  # [{tag, hash}] in apply order
    checklist: dict[str, Any] | None  # {done, total, checked: [{id, by, at}]}
    acknowledged: list[str]  # Finding.key of every finding acknowledged through a derived checklist item
    restore_point: dict[str, Any] | None
    result: str  # "ok", "failed", "refused", "dry-run", …
    duration_s: float | None
    error: str | None  # one line
    details: dict[str, Any] = field(default_factory=dict)  # per-action extras, e.g. {"applied": [tags]}

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "action": self.action,
            "user": self.user,
            "hostname": self.hostname,
            "git": self.git,
            "target": self.target,
            "environment": self.environment,
            "migrations": self.migrations,
            "checklist": self.checklist,
            "acknowledged": self.acknowledged,
            "restore_point": self.restore_point,
            "result": self.result,
            "duration_s": self.duration_s,
            "error": self.error,
            "details": self.details,
        }


# ----------------------------------------------------------------------------------------------------
# Building a record


def build_record(
    action: str,
    *,
    project_root: Path,
    url: str | None,
    environment: Environment | None,
    migrations: Sequence[Migration] = (),
    checklist: Checklist | None = None,
    restore_point: RestorePoint | None = None,
    result: str,
    duration_s: float | None = None,
    error: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Everything the log keeps about one action. Never raises for an unreadable URL or a missing git."""
    return AuditRecord(
        time=datetime.now(UTC).isoformat(timespec="milliseconds"),
        action=action,
        user=operator(),
        hostname=_hostname(),
        git=git_state(project_root),
        target=_target(url),
        environment=(
            {"name": environment.name, "production": environment.production, "reason": environment.reason}
            if environment is not None else None
        ),
        migrations=[{"tag": m.tag, "hash": m.hash} for m in migrations],
        checklist=_checklist(checklist),
        acknowledged=_acknowledged(checklist),
        restore_point=restore_point.to_json() if restore_point is not None else None,
        result=result,
        duration_s=round(duration_s, 3) if duration_s is not None else None,
        error=_one_line(error),
        details=dict(details or {}),
    )


def _hostname() -> str:
    try:
        return socket.gethostname() or "unknown"
    except OSError:
        return "unknown"


def git_state(root: Path) -> dict[str, Any]:
    """{branch, commit, dirty} of the repository containing `root`; all None when it is none or git is missing.

    One `git status --porcelain=v2 --branch` call: its header has the commit and branch, and any other line is a
    change (untracked files included: a freshly generated migration that is not committed yet counts as dirty).
    """
    unknown: dict[str, Any] = {"branch": None, "commit": None, "dirty": None}
    # Optional locks off: a status run from here must never make a concurrent git command of the user fail.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain=v2", "--branch"],
            capture_output=True, text=True, errors="replace", timeout=GIT_TIMEOUT_S, env=env,
            stdin=subprocess.DEVNULL, check=False,
        )
    except (OSError, subprocess.SubprocessError):  # git missing, root missing, timeout
        return unknown
    if result.returncode != 0:
        return unknown
    branch: str | None = None
    commit: str | None = None
    dirty = False
    for line in result.stdout.splitlines():
        if line.startswith("# branch.oid "):
            oid = line.removeprefix("# branch.oid ").strip()
            commit = None if oid == "(initial)" else oid  # (initial): no commit yet
        elif line.startswith("# branch.head "):
            head = line.removeprefix("# branch.head ").strip()
            branch = None if head == "(detached)" else head
        elif line and not line.startswith("#"):
            dirty = True
    return {"branch": branch, "commit": commit, "dirty": dirty}


def _target(url: str | None) -> dict[str, Any] | None:
    if not url or not url.strip():
        return None
    try:
        parsed = parse_url(url)
    except ConfigError:
        # The action itself reports what is wrong with the URL; the log only must not lose the record.
        return {"host": None, "port": None, "database": None, "neon": False, "endpoint_id": None, "pooled": False,
                "unreadable": True}
    return {
        "host": redact(parsed.host) if parsed.host else None,
        "port": parsed.port,
        "database": redact(parsed.dbname) if parsed.dbname else None,
        "neon": parsed.is_neon,
        "endpoint_id": parsed.endpoint_id,
        "pooled": parsed.is_pooled,
    }


def _checklist(checklist: Checklist | None) -> dict[str, Any] | None:
    if checklist is None:
        return None
    done, total = checklist.progress
    checks = checklist.checks
    checked = [{"id": item.id, "by": checks[item.id].by, "at": checks[item.id].at}
               for item in checklist.items if item.id in checks]
    return {"done": done, "total": total, "checked": checked}


def _acknowledged(checklist: Checklist | None) -> list[str]:
    if checklist is None:
        return []
    checks = checklist.checks
    keys: dict[str, None] = {}  # ordered set: display order of the items, then of their findings
    for item in checklist.items:
        if item.derived and item.id in checks:
            keys.update(dict.fromkeys(checks[item.id].findings))
    return list(keys)


def _one_line(text: str | None) -> str | None:
    if text is None:
        return None
    line = redact(" ".join(str(text).split()))
    return line if len(line) <= _MAX_ERROR_CHARS else line[: _MAX_ERROR_CHARS - 1] + "…"


# ----------------------------------------------------------------------------------------------------
# Serialising


def _redact_deep(value: Any) -> Any:
    """Every string (keys too) redacted, before serialising: JSON escaping could hide a secret from a later pass."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact(str(k)): _redact_deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_redact_deep(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and infinity are not JSON
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(str(value))  # Paths, enums, datetimes in details


def serialize(record: AuditRecord) -> str:
    """The record as one JSON line (with the newline), redacted per value and then as a whole line."""
    data = _redact_deep(record.to_json())
    line = _checked_line(data)
    if line is None:
        # The line-level pass cut through JSON syntax. Usually that is a value ending in an already-masked
        # `password=****` whose closing quote the keyword pattern swallows: withhold such values, keep the rest.
        line = _checked_line(_withhold_suspicious(data))
    if line is None:
        # A pattern spanning two values: keep the secret out and the line parseable.
        line = _dumps({"time": record.time, "action": redact(record.action), "result": redact(record.result),
                       "error": "audit record withheld: it contained text that looked like a secret"})
    return line + "\n"


WITHHELD = "[withheld: looked like a secret]"


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)


def _checked_line(data: Any) -> str | None:
    """redact() of the serialised line, or None when that broke the JSON."""
    text = _dumps(data)
    line = redact(text)
    if line == text:
        return line
    try:
        json.loads(line)
    except ValueError:
        return None
    return line


def _withhold_suspicious(value: Any) -> Any:
    """`value` with every string whose JSON form redact() would still change replaced by WITHHELD."""
    if isinstance(value, str):
        token = _dumps(value)
        return WITHHELD if redact(token) != token else value
    if isinstance(value, dict):
        return {_withhold_suspicious(k): _withhold_suspicious(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_withhold_suspicious(v) for v in value]
    return value


# ----------------------------------------------------------------------------------------------------
# The log file


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.skipped = 0  # corrupt lines skipped by the last read()

    @classmethod
    def for_project(cls, root: Path, settings: Settings) -> AuditLog:
        """The project's log: settings.audit_log (relative to `root` unless absolute), else .neontui/audit.jsonl.

        `settings` is required: a caller without neontui.toml in hand would read or write the default path while
        the project configured another."""
        relative = Path(settings.audit_log).expanduser() if settings.audit_log else DEFAULT_AUDIT_PATH
        return cls(Path(root) / relative)  # an absolute `relative` replaces root

    def _open(self) -> tuple[int, bool]:
        """The log opened for appending (created with its folders if needed), and whether it was created."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise AuditError(f"cannot open the audit log {self.path}: {exc.strerror or exc}") from None
        return fd, created

    def ensure_writable(self) -> None:
        """AuditError unless a record could be appended now: asked before a production run starts, so a run is
        never left without its record (writes nothing; an empty file may be created)."""
        fd, _ = self._open()
        os.close(fd)

    def append(self, record: AuditRecord) -> None:
        """Add one line at the end; AuditError (one line) when the file cannot be written."""
        data = serialize(record).encode("utf-8")
        fd, created = self._open()
        try:
            if _ends_mid_line(fd):
                # A writer crashed mid-line: start on a fresh line so ours stays readable (the stub is skipped).
                data = b"\n" + data
            # One write of the whole line: with O_APPEND the kernel positions and writes it as a unit.
            written = os.write(fd, data)
            if written != len(data):  # only on a full disk or a signal; finish the line rather than leave half
                os.write(fd, data[written:])
            os.fsync(fd)
        except OSError as exc:
            raise AuditError(f"cannot write the audit log {self.path}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.path.parent)  # a new file's directory entry must survive a crash too

    def read(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The records, oldest first (the last `limit` when given); corrupt lines are skipped and counted in
        `self.skipped`. A missing file is an empty log."""
        self.skipped = 0
        records: deque[dict[str, Any]] = deque(maxlen=limit if limit is not None and limit >= 0 else None)
        try:
            handle = self.path.open("r", encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise AuditError(f"cannot read the audit log {self.path}: {exc.strerror or exc}") from None
        with handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    self.skipped += 1
                    continue
                if not isinstance(record, dict):
                    self.skipped += 1
                    continue
                records.append(record)
        return list(records)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # best effort: some platforms cannot open a directory
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _ends_mid_line(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


# ----------------------------------------------------------------------------------------------------
# Display (for `neontui audit`)

_COLUMNS = ("time", "action", "user", "target", "env", "migrations", "result", "duration")
_WIDTH_CAPS = {"action": 12, "user": 16, "target": 48, "env": 14, "migrations": 48, "result": 10}


def format_records(records: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    """A plain-text table, one row per record, the error (if any) indented on the next line. Tolerates records
    written by other versions: missing or odd fields show as "-"."""
    rows = [(_row(r), _text(r.get("error"))) for r in records if isinstance(r, Mapping)]
    if not rows:
        out.write("no audit records\n")
        return
    widths = {c: len(c) for c in _COLUMNS}
    for cells, _ in rows:
        for column, cell in cells.items():
            widths[column] = min(max(widths[column], len(cell)), _WIDTH_CAPS.get(column, 10**6))

    def line(cells: Mapping[str, str]) -> str:
        parts = [_fit(cells[c], widths[c]).ljust(widths[c]) for c in _COLUMNS]
        return redact("  ".join(parts).rstrip())

    out.write(line({c: c.upper() for c in _COLUMNS}) + "\n")
    for cells, error in rows:
        out.write(line(cells) + "\n")
        if error:
            out.write(redact(f"    error: {error}") + "\n")


def _row(record: Mapping[str, Any]) -> dict[str, str]:
    return {
        "time": _time(record.get("time")),
        "action": _text(record.get("action")) or "-",
        "user": _user_cell(record),
        "target": _target_cell(record.get("target")),
        "env": _env_cell(record.get("environment")),
        "migrations": _migrations_cell(record.get("migrations")),
        "result": _text(record.get("result")) or "-",
        "duration": _duration(record.get("duration_s")),
    }


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _time(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return _text(value) or "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


def _user_cell(record: Mapping[str, Any]) -> str:
    user, host = _text(record.get("user")), _text(record.get("hostname"))
    return f"{user}@{host}" if user and host else user or "-"


def _target_cell(target: Any) -> str:
    if not isinstance(target, Mapping):
        return "-"
    host, database = _text(target.get("host")), _text(target.get("database"))
    if target.get("endpoint_id"):
        host = _text(target.get("endpoint_id"))  # the endpoint id names a Neon compute in 20 characters
    text = f"{host or '?'}/{database}" if database else host or "-"
    return text + (" (pooled)" if target.get("pooled") else "")


def _env_cell(environment: Any) -> str:
    if not isinstance(environment, Mapping):
        return "-"
    name = _text(environment.get("name")) or "?"
    return f"{name} (prod)" if environment.get("production") and name != "production" else name


def _migrations_cell(migrations: Any) -> str:
    if not isinstance(migrations, list) or not migrations:
        return "0"
    tags = [_text(m.get("tag")) if isinstance(m, Mapping) else "?" for m in migrations]
    if len(tags) == 1:
        return f"1: {tags[0]}"
    return f"{len(tags)}: {tags[0]} … {tags[-1]}"


def _duration(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds:02d} s"
