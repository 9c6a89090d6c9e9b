"""neontui's own configuration: which targets exist, which of them are production, and apply timeouts.

Where it is read from: `neontui.toml`, or the `[tool.neontui]` table of `pyproject.toml`, in the project root (the
directory of the drizzle config) or one of its parents up to the repository root (the first directory with a
`.git`). The nearest directory that has either wins; within one directory `neontui.toml` wins over `pyproject.toml`.
A `pyproject.toml` without `[tool.neontui]` is skipped, but one that is not valid TOML is an error: neontui cannot
tell whether it held settings (for example `production = true`) and must not silently ignore them.

Schema (every key is optional; unknown keys and wrong types are errors naming the file and the key):

    default_target = "dev"          # the target used when neither --target nor the URL's variable picks one
    audit_log = "audit.jsonl"       # the audit log, relative to the project root (the drizzle config's directory,
                                    # not this file's); absolute paths and ~ work too; default .neontui/audit.jsonl
    lock_timeout = "5s"             # PostgreSQL duration, set by the migrator (SET LOCAL lock_timeout)
    statement_timeout = "0"         # PostgreSQL duration; "0" disables the limit
    connect_timeout = "15s"         # all attempts of one connection together (a bare number is seconds);
                                    # the NEONTUI_CONNECT_TIMEOUT environment variable wins over it

    [keys]                          # remap console actions by id (neontui's help screen lists them), e.g.
    migrate = "M,f6"

    [targets.dev]
    url_env = "DATABASE_URL"        # the environment variable that holds this target's URL
    production = false              # true/false decides the environment; absent: neontui guesses from the URL

    [targets.prod]
    url_env = "PROD_DATABASE_URL"
    production = true
    allow_push = false              # drizzle-kit push in production is refused unless this is true
    database = "neondb"             # the name the operator types to confirm (default: the URL's database name)
    neon_project = "…"              # this target's Neon project id: skips the lookup by endpoint id, and makes a
    neon_branch = "main"            # target on a non-Neon host name (a proxy) a Neon one; branch: id or name
    neon_backup = "branch"          # what the backup before a production apply is: "branch" (default), or
                                    # "snapshot" (Neon's beta snapshots; docs/neon.md)

    [neon]                          # the Neon API (docs/neon.md): rehearsals on a branch, backups, restore
    api_key_env = "NEON_API_KEY"    # the variable that holds the API key (default NEON_API_KEY); never the key
    api_url = "https://console.neon.tech/api/v2"  # another base URL (a proxy)
    backup = true                   # a backup branch before every production apply on Neon (default true)

In `pyproject.toml` the same keys live under `[tool.neontui]` and `[tool.neontui.targets.<name>]`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neontui.core.db.limits import CONNECT_TIMEOUT_ENV, DEFAULT_CONNECT_DEADLINE
from neontui.core.drizzle.config_file import up_to_repo_root  # the same "repository root" as drizzle config discovery
from neontui.core.errors import ConfigError
from neontui.core.redact import remember_secret

__all__ = ["NEON_BACKUP_KINDS", "PYPROJECT", "SETTINGS_FILE", "NeonSettings", "Settings", "Target",
           "find_settings_file", "load_settings", "postgres_duration"]

SETTINGS_FILE = "neontui.toml"
PYPROJECT = "pyproject.toml"

# A PostgreSQL duration as SET lock_timeout accepts it: a number with an optional unit (no unit = milliseconds).
# Checked here so the migrator can interpolate it into SET LOCAL without quoting surprises.
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # also typed on the command line as --target NAME

_TOP_KEYS = ("audit_log", "connect_timeout", "default_target", "keys", "lock_timeout", "neon", "statement_timeout",
             "targets")
_NEON_KEYS = ("api_key_env", "api_url", "backup")
_SECONDS_PER_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_TARGET_KEYS = ("url_env", "production", "allow_push", "database", "neon_project", "neon_branch", "neon_backup")
NEON_BACKUP_KINDS = ("branch", "snapshot")
DURATION_LIMIT_MS = 2**31 - 1  # PostgreSQL's maximum lock_timeout and statement_timeout (about 24.8 days)


def postgres_duration(text: str) -> str:
    """`text` stripped, when SET lock_timeout / statement_timeout accept it; ValueError saying why otherwise.
    The one check of a timeout value, for neontui.toml and the command line alike."""
    value = text.strip()
    match = _DURATION.fullmatch(value)
    if match is None:
        raise ValueError(f'must be a PostgreSQL duration like "5s", "500ms", "1min" or "0", found {text!r}')
    number, unit = match.groups()
    if round(float(number) * _SECONDS_PER_UNIT[unit or "ms"] * 1000) > DURATION_LIMIT_MS:  # PostgreSQL rounds too
        raise ValueError(f"must be at most {DURATION_LIMIT_MS}ms (about 24 days), found {text!r}")
    return value


@dataclass(frozen=True)
class Target:
    name: str
    url_env: str | None = None
    production: bool | None = None  # None: not configured, the URL decides (see environment.classify)
    allow_push: bool = False
    database: str | None = None  # the confirmation text; None: the URL's database name
    neon_project: str | None = None  # the Neon project id (else found from the URL's endpoint id)
    neon_branch: str | None = None  # the Neon branch, id or name (else the endpoint's branch)
    neon_backup: str = "branch"  # the Neon backup: a no-compute child "branch", or a "snapshot" (NEON_BACKUP_KINDS)


@dataclass(frozen=True)
class NeonSettings:
    """The [neon] table: how to reach the Neon API. The key itself is never in a file, only its variable's name."""

    api_key_env: str = "NEON_API_KEY"
    api_url: str = "https://console.neon.tech/api/v2"
    backup: bool = True  # a backup branch before every production apply on a Neon target


@dataclass(frozen=True)
class Settings:
    path: Path | None = None  # the file read; None when there is none
    targets: dict[str, Target] = field(default_factory=dict, hash=False)
    default_target: str | None = None
    lock_timeout: str | None = None
    statement_timeout: str | None = None
    connect_timeout: float | None = None  # seconds; None: not set in the file
    audit_log: str | None = None  # as written; AuditLog.for_project resolves it against the project root
    keys: dict[str, str] = field(default_factory=dict, hash=False)  # console action id → keys, e.g. "M,f6"
    neon: NeonSettings = field(default_factory=NeonSettings)

    @property
    def source(self) -> str:
        """Where the settings came from, for messages: "neontui.toml" or "[tool.neontui] in pyproject.toml"."""
        if self.path is None:
            return "no neontui.toml"
        return f"[tool.neontui] in {PYPROJECT}" if self.path.name == PYPROJECT else self.path.name

    def connect_deadline(self, environ: Mapping[str, str] | None = None) -> float:
        """Seconds that one connection may take, all attempts together: NEONTUI_CONNECT_TIMEOUT, else
        connect_timeout here, else DEFAULT_CONNECT_DEADLINE."""
        value = (os.environ if environ is None else environ).get(CONNECT_TIMEOUT_ENV, "").strip()
        if value:
            seconds = _connect_seconds(value)
            if seconds is None:
                raise ConfigError(f"{CONNECT_TIMEOUT_ENV} must be a positive duration like \"15s\", \"1min\" or 30 "
                                  f"(seconds), found {value!r}")
            return seconds
        return self.connect_timeout if self.connect_timeout is not None else DEFAULT_CONNECT_DEADLINE


def _connect_seconds(text: str) -> float | None:
    """A positive duration in seconds ("15s", "500ms", "1min"; a bare number is seconds, as libpq's
    connect_timeout), or None when `text` is not one."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    number, unit = match.groups()
    seconds = float(number) * _SECONDS_PER_UNIT[unit or "s"]
    return seconds if seconds > 0 else None


def find_settings_file(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest settings file from `root` up to the repository root and its raw neontui table."""
    for directory in up_to_repo_root(Path(root).expanduser().resolve()):
        own = directory / SETTINGS_FILE
        if own.is_file():
            return own, _read_toml(own)
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {})
            if isinstance(tool, dict) and "neontui" in tool:
                table = tool["neontui"]
                if not isinstance(table, dict):
                    raise ConfigError(f"{pyproject}: tool.neontui must be a table, found {_type(table)}")
                return pyproject, table
    return None


def load_settings(root: Path) -> Settings:
    """Read and validate the settings for the project in `root`; an empty Settings when there is no file."""
    found = find_settings_file(root)
    if found is None:
        return Settings()
    path, table = found
    return _build(path, table, "tool.neontui." if path.name == PYPROJECT else "")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {' '.join(str(exc).split())}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"  # TOML dates and times


def _build(path: Path, table: dict[str, Any], prefix: str) -> Settings:
    # A fixed order of checks: a file with several mistakes always reports the same one first.
    read = _Reader(path, prefix)
    read.unknown(table, _TOP_KEYS, "")
    targets = read.targets(table.get("targets", {}))
    default_target = read.default_target(table, targets)
    audit_log = read.audit_log(table)
    connect_timeout = read.connect_timeout(table)
    keys = read.keys(table.get("keys", {}))
    return Settings(
        path=path,
        keys=keys,
        neon=read.neon(table.get("neon", {})),
        targets=targets,
        default_target=default_target,
        lock_timeout=read.duration(table, "lock_timeout"),
        statement_timeout=read.duration(table, "statement_timeout"),
        connect_timeout=connect_timeout,
        audit_log=audit_log,
    )


@dataclass(frozen=True)
class _Reader:
    """Reads and checks the values of one settings table; every error names the file and the dotted key."""

    path: Path
    prefix: str  # "tool.neontui." in pyproject.toml, "" in neontui.toml

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self.prefix}{key} {problem}")

    def unknown(self, keys: Iterable[str], allowed: tuple[str, ...], where: str) -> None:
        for key in keys:
            if key not in allowed:
                raise self.fail(f"{where}{key}", f"is not a known setting (expected one of {', '.join(allowed)})")

    def string(self, container: dict[str, Any], key: str, dotted: str) -> str | None:
        if key not in container:
            return None
        value = container[key]
        if not isinstance(value, str):
            raise self.fail(dotted, f"must be a string, found {_type(value)}")
        if not value.strip():
            raise self.fail(dotted, "must not be empty")
        return value

    def boolean(self, container: dict[str, Any], key: str, dotted: str) -> bool | None:
        if key not in container:
            return None
        value = container[key]
        if not isinstance(value, bool):
            raise self.fail(dotted, f"must be true or false, found {_type(value)}")
        return value

    def duration(self, table: dict[str, Any], key: str) -> str | None:
        value = self.string(table, key, key)
        try:
            return None if value is None else postgres_duration(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def targets(self, raw_targets: object) -> dict[str, Target]:
        if not isinstance(raw_targets, dict):
            raise self.fail("targets", f"must be a table of [targets.<name>] tables, found {_type(raw_targets)}")
        return {name: self.target(name, raw) for name, raw in raw_targets.items()}

    def target(self, name: str, raw: object) -> Target:
        where = f"targets.{name}"
        if not _TARGET_NAME.fullmatch(name):
            raise self.fail(where, "has an invalid name (use letters, digits, '-', '_' or '.')")
        if not isinstance(raw, dict):
            raise self.fail(where, f"must be a table, found {_type(raw)}")
        self.unknown(raw, _TARGET_KEYS, f"{where}.")
        url_env = self.string(raw, "url_env", f"{where}.url_env")
        if url_env is not None and not _ENV_NAME.fullmatch(url_env):
            raise self.fail(f"{where}.url_env", f"must be an environment variable name, found {url_env!r}")
        return Target(
            name=name,
            url_env=url_env,
            production=self.boolean(raw, "production", f"{where}.production"),
            allow_push=self.boolean(raw, "allow_push", f"{where}.allow_push") or False,
            database=self.string(raw, "database", f"{where}.database"),
            neon_project=self.string(raw, "neon_project", f"{where}.neon_project"),
            neon_branch=self.string(raw, "neon_branch", f"{where}.neon_branch"),
            neon_backup=self.neon_backup(raw, where),
        )

    def neon_backup(self, raw: dict[str, Any], where: str) -> str:
        value = self.string(raw, "neon_backup", f"{where}.neon_backup") or "branch"
        if value not in NEON_BACKUP_KINDS:
            raise self.fail(f"{where}.neon_backup", f'must be "branch" or "snapshot", found {value!r}')
        return value

    def neon(self, raw: object) -> NeonSettings:
        if not isinstance(raw, dict):
            raise self.fail("neon", f"must be a table, found {_type(raw)}")
        self.unknown(raw, _NEON_KEYS, "neon.")
        defaults = NeonSettings()
        key_env = self.string(raw, "api_key_env", "neon.api_key_env") or defaults.api_key_env
        if key_env.startswith("napi_") or not _ENV_NAME.fullmatch(key_env):  # napi_: what Neon's keys look like
            remember_secret(key_env)  # a pasted key: never echo it
            raise self.fail("neon.api_key_env", f"must be an environment variable name (the key itself never goes in "
                                                f"a file), found a value of {len(key_env)} characters")
        api_url = self.string(raw, "api_url", "neon.api_url") or defaults.api_url
        if not api_url.startswith(("https://", "http://")):
            raise self.fail("neon.api_url", f"must be an http(s) URL, found {api_url!r}")
        backup = self.boolean(raw, "backup", "neon.backup")
        return NeonSettings(key_env, api_url.rstrip("/"), defaults.backup if backup is None else backup)

    def default_target(self, table: dict[str, Any], targets: dict[str, Target]) -> str | None:
        default_target = self.string(table, "default_target", "default_target")
        if default_target is not None and default_target not in targets:
            configured = ", ".join(targets) or "none"
            raise self.fail("default_target",
                            f"names no configured target: {default_target!r} (configured: {configured})")
        return default_target

    def audit_log(self, table: dict[str, Any]) -> str | None:
        audit_log = self.string(table, "audit_log", "audit_log")
        if audit_log is not None and audit_log.endswith(("/", "\\")):
            raise self.fail("audit_log", f"must name a file, not a directory, found {audit_log!r}")
        return audit_log

    def connect_timeout(self, table: dict[str, Any]) -> float | None:
        raw = self.string(table, "connect_timeout", "connect_timeout")
        if raw is None:
            return None
        seconds = _connect_seconds(raw)
        if seconds is None:
            raise self.fail("connect_timeout", 'must be a positive duration like "15s", "1min" or "30" (seconds), '
                                               f"found {raw!r}")
        return seconds

    def keys(self, raw_keys: object) -> dict[str, str]:
        if not isinstance(raw_keys, dict):
            raise self.fail("keys", f"must be a table of action = \"keys\", found {_type(raw_keys)}")
        return {action: self.string(raw_keys, action, f"keys.{action}") or "" for action in raw_keys}
