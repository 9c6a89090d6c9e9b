"""drizzle.config.*: finding it (the directory, up to the repository root, one level into a monorepo's packages) and
reading it statically into a DrizzleConfig (see config_reader), every URL and password met registered with
`remember_secret`; the dataclass reprs hide them.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from neontui.core.db.url import parse_url
from neontui.core.drizzle.config_reader import Dynamic, EnvRef, JsObject, JsValue, parse_config_source
from neontui.core.drizzle.js_tokens import JsSyntaxError
from neontui.core.errors import ConfigError
from neontui.core.redact import remember_secret

__all__ = [
    "CONFIG_DOCS",
    "CONFIG_NAMES",
    "HOST_KEYS",
    "DrizzleConfig",
    "HostValue",
    "UrlSource",
    "absolute_config_path",
    "find_config",
    "read_config",
    "remember_url",
    "resolve_out_dir",
    "up_to_repo_root",
]

# Preference order when one directory holds several (drizzle-kit itself only looks for .ts, .js, .json).
CONFIG_NAMES = tuple(f"drizzle.config.{ext}" for ext in ("ts", "mts", "js", "mjs", "cjs", "json"))
MONOREPO_DIRS = ("packages", "apps")
PREFIXES = ("index", "timestamp", "supabase", "unix", "none")
HOST_KEYS = ("host", "port", "user", "password", "database", "ssl")
CONFIG_DOCS = "https://orm.drizzle.team/docs/drizzle-config-file"

HostValue = str | int | float | bool | EnvRef


@dataclass(frozen=True)
class UrlSource:
    """Where the config takes its connection from. `literal`, `fallback` and `host_parts` may hold secrets."""

    env_var: str | None  # e.g. "DATABASE_URL" when the config reads process.env.DATABASE_URL
    literal: str | None = field(repr=False)  # a URL written literally in the config
    fallback: str | None = field(repr=False)  # literal after ?? / ||
    host_style: bool  # dbCredentials uses host/port/user/password/database instead of url
    env_alternates: tuple[str, ...] = ()  # `process.env.A ?? process.env.B`: B is tried when A is unset
    fallback_if_empty: bool = False  # `||`: an empty variable also falls through (`??`: only an unset one)
    # host-style parts as written: literals or EnvRef (the password may be a literal secret)
    host_parts: Mapping[str, HostValue] = field(default_factory=dict, repr=False, hash=False)

    @property
    def env_vars(self) -> tuple[str, ...]:
        """Every variable the URL may come from, in the order JS tries them (host style: the parts' vars)."""
        if self.host_style:
            return tuple(n for v in self.host_parts.values() if isinstance(v, EnvRef) for n in v.names)
        return (self.env_var, *self.env_alternates) if self.env_var else ()


@dataclass(frozen=True)
class DrizzleConfig:
    path: Path  # absolute path of the config file
    root: Path  # directory of the config file = the working directory drizzle-kit must run in
    out: str  # as written, default "drizzle"
    out_dir: Path  # root / out, resolved
    schema: str | list[str] | None = field(hash=False)
    dialect: str | None
    url: UrlSource | None
    migrations_table: str  # default "__drizzle_migrations"
    migrations_schema: str  # default "drizzle"
    migrations_prefix: str  # default "index"
    breakpoints: bool  # default True
    dynamic: tuple[str, ...]  # dotted names of the keys above that could not be read statically
    # drizzle-kit ignores `generate --prefix` when the config has a `migrations` key
    # (docs/compatibility.md#drizzle-file-names)
    has_migrations_key: bool = False
    # dotted key → why it could not be read ("a call to getOut()"); never contains a value
    dynamic_reasons: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def url_is_dynamic(self) -> bool:
        return any(k == "dbCredentials" or k.startswith("dbCredentials.") for k in self.dynamic)

    def why_dynamic(self, key: str) -> str:
        """`out could not be read statically from drizzle.config.ts (a call to getOut())`."""
        reason = self.dynamic_reasons.get(key)
        return f"{key} could not be read statically from {self.path.name}" + (
            f" ({reason})" if reason else ""
        )


# ----------------------------------------------------------------------------------------------------
# Discovery


def find_config(start: Path) -> Path:
    """The drizzle config for `start`: a config file itself, one in `start` or a parent up to the repository
    root, or exactly one in packages/* or apps/* below `start`."""
    start = Path(start).expanduser()
    if start.is_file():
        return absolute_config_path(start)
    start = start.resolve()
    if not start.is_dir():
        raise ConfigError(
            f"{start} does not exist", hint="run neontui in your Drizzle project or pass --config PATH"
        )
    for directory in up_to_repo_root(start):
        if found := _config_in(directory):
            return found
    candidates = []
    for group in MONOREPO_DIRS:
        try:
            subdirs = sorted(p for p in (start / group).iterdir() if p.is_dir())
        except OSError:  # absent or unreadable
            continue
        candidates += [found for sub in subdirs if (found := _config_in(sub))]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        listed = ", ".join(str(c.relative_to(start)) for c in candidates)
        raise ConfigError(
            f"several drizzle configs found below {start}: {listed}",
            hint="pass --config PATH or the project directory (e.g. neontui packages/db)",
        )
    raise ConfigError(
        f"no drizzle.config.(ts|mts|js|mjs|cjs|json) found in {start}, "
        "its parents up to the repository root, or packages/*, apps/*",
        hint="run neontui in your Drizzle project or pass --config PATH",
    )


def up_to_repo_root(start: Path) -> Iterator[Path]:
    """`start` and its parents up to and including the first one with a .git (else the filesystem root)."""
    for directory in (start, *start.parents):
        yield directory
        if (directory / ".git").exists():  # a directory, or a file in worktrees and submodules
            return


def _config_in(directory: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def absolute_config_path(path: Path) -> Path:
    # Resolve the directory but not the file: a symlinked config still runs in the directory it was found in.
    path = Path(os.path.abspath(path.expanduser()))
    return path.parent.resolve() / path.name


# ----------------------------------------------------------------------------------------------------
# Reading the config


def read_config(path: Path) -> DrizzleConfig:
    """Read a drizzle config statically; ConfigError names the file and the problem."""
    path = absolute_config_path(Path(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist", hint="check --config PATH") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: invalid JSON at line {exc.lineno}:{exc.colno}: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a JSON object, found {_js_type(_from_json(data))}")
        obj = _from_json(data)
    else:
        try:
            exported = parse_config_source(text)
        except JsSyntaxError as exc:  # the compiler's `file:line:column:` form, which editors link to
            raise ConfigError(f"{path}:{exc.line}:{exc.column}: syntax error: {exc.message}") from None
        except RecursionError:  # thousands of nested brackets: not a config anyone writes
            raise ConfigError(f"{path}: cannot be read: nested too deeply") from None
        if exported is None:
            raise ConfigError(
                f"{path}: no default export found",
                hint="neontui expects `export default defineConfig({ … })` or `module.exports = { … }`",
            )
        if not isinstance(exported, JsObject):
            what = exported.reason if isinstance(exported, Dynamic) else _js_type(exported)
            raise ConfigError(
                f"{path}: no object literal found: the default export is {what}, which neontui cannot read "
                "without running the config",
                hint="export the object literal directly: export default defineConfig({ out: …, … })",
            )
        obj = exported
    assert isinstance(obj, JsObject)
    return _build_config(path, obj)


def _from_json(data: Any) -> JsValue:
    if isinstance(data, dict):
        return JsObject((k, _from_json(v)) for k, v in data.items())
    if isinstance(data, list):
        return [_from_json(v) for v in data]
    return data


_MISSING: Any = object()


def _get(obj: JsObject, key: str) -> JsValue:
    """obj[key]; _MISSING when absent (or undefined/null); a Dynamic when an unknown spread may supply it."""
    if key in obj:
        value = obj[key]
        return _MISSING if value is None else value
    return Dynamic(obj.open_reason or "a spread") if obj.open else _MISSING


def _js_type(value: JsValue) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, JsObject):
        return "an object"
    if isinstance(value, EnvRef):
        return f"process.env.{value.name}"
    if isinstance(value, Dynamic):
        return value.reason
    return "null"


def _dynamic_reason(value: JsValue) -> str | None:
    """Why a value cannot be used statically, or None if it is a literal."""
    if isinstance(value, Dynamic):
        return value.reason
    if isinstance(value, EnvRef):  # usable for the URL only; elsewhere it depends on the environment
        return f"it reads process.env.{value.name}"
    return None


def _build_config(path: Path, obj: JsObject) -> DrizzleConfig:
    dynamic: dict[str, str] = {}

    def text(container: JsObject, key: str, dotted: str, default: Any) -> Any:
        """A string key; `default` when absent or computed (then recorded in `dynamic`)."""
        value = _get(container, key)
        if value is _MISSING:
            return default
        if isinstance(value, str):
            return value
        if (reason := _dynamic_reason(value)) is not None:
            dynamic[dotted] = reason
            return default
        raise ConfigError(f"{path}: {dotted} must be a string, found {_js_type(value)}")

    out: str = text(obj, "out", "out", "drizzle")
    dialect: str | None = text(obj, "dialect", "dialect", None)

    schema: str | list[str] | None = None
    raw_schema = _get(obj, "schema")
    if isinstance(raw_schema, str) or (
        isinstance(raw_schema, list) and all(isinstance(s, str) for s in raw_schema)
    ):
        schema = raw_schema
    elif raw_schema is not _MISSING:
        dynamic["schema"] = _dynamic_reason(raw_schema) or f"it is {_js_type(raw_schema)}"

    breakpoints = True
    raw_breakpoints = _get(obj, "breakpoints")
    if isinstance(raw_breakpoints, bool):
        breakpoints = raw_breakpoints
    elif (reason := _dynamic_reason(raw_breakpoints)) is not None:
        dynamic["breakpoints"] = reason
    elif raw_breakpoints is not _MISSING:
        raise ConfigError(f"{path}: breakpoints must be true or false, found {_js_type(raw_breakpoints)}")

    table, ledger_schema, prefix = "__drizzle_migrations", "drizzle", "index"
    migrations = _get(obj, "migrations")
    if isinstance(migrations, JsObject):
        table = text(migrations, "table", "migrations.table", table)
        ledger_schema = text(migrations, "schema", "migrations.schema", ledger_schema)
        prefix = text(migrations, "prefix", "migrations.prefix", prefix)
        if "migrations.prefix" not in dynamic and prefix not in PREFIXES:
            raise ConfigError(
                f"{path}: migrations.prefix must be one of {', '.join(PREFIXES)}, found {prefix!r}"
            )
    elif (reason := _dynamic_reason(migrations)) is not None:
        for key in ("migrations.table", "migrations.schema", "migrations.prefix"):
            dynamic[key] = reason
    elif migrations is not _MISSING:
        raise ConfigError(f"{path}: migrations must be an object, found {_js_type(migrations)}")

    url = _url_source(path, _get(obj, "dbCredentials"), dynamic)
    root = path.parent
    return DrizzleConfig(
        path=path,
        root=root,
        out=out,
        out_dir=resolve_out_dir(root, out),
        schema=schema,
        dialect=dialect,
        url=url,
        migrations_table=table,
        migrations_schema=ledger_schema,
        migrations_prefix=prefix,
        breakpoints=breakpoints,
        dynamic=tuple(dynamic),
        has_migrations_key=migrations is not _MISSING,
        dynamic_reasons=MappingProxyType(dynamic),
    )


def _url_source(path: Path, creds: JsValue, dynamic: dict[str, str]) -> UrlSource | None:
    if creds is _MISSING:
        return None
    if (reason := _dynamic_reason(creds)) is not None:
        dynamic["dbCredentials"] = reason
        return None
    if not isinstance(creds, JsObject):
        raise ConfigError(f"{path}: dbCredentials must be an object, found {_js_type(creds)}")
    url = _get(creds, "url")
    if isinstance(url, str):
        remember_url(url)
        return UrlSource(env_var=None, literal=url, fallback=None, host_style=False)
    if isinstance(url, EnvRef):
        remember_url(url.fallback)
        return UrlSource(
            env_var=url.name,
            literal=None,
            fallback=url.fallback,
            host_style=False,
            env_alternates=url.alternates,
            fallback_if_empty=url.or_empty,
        )
    if isinstance(url, Dynamic):
        dynamic["dbCredentials.url"] = url.reason
        return None
    if url is not _MISSING:
        raise ConfigError(f"{path}: dbCredentials.url must be a string, found {_js_type(url)}")
    return _host_style_source(path, creds, dynamic)


def _host_style_source(path: Path, creds: JsObject, dynamic: dict[str, str]) -> UrlSource | None:
    """dbCredentials given as host, port, user, password, database, ssl (no url), or None when none is given."""
    parts: dict[str, HostValue] = {}
    for key in HOST_KEYS:
        value = _get(creds, key)
        if value is _MISSING:
            continue
        if isinstance(value, Dynamic):
            dynamic[f"dbCredentials.{key}"] = value.reason
        elif key == "ssl" and isinstance(value, JsObject):
            parts[key] = True  # {rejectUnauthorized: false} and the like: TLS on, as with sslmode=require
        elif isinstance(value, (str, int, float, bool, EnvRef)):
            parts[key] = value
        else:
            raise ConfigError(f"{path}: dbCredentials.{key} must be a string, found {_js_type(value)}")
    password = parts.get("password")
    if isinstance(password, str):
        remember_secret(password)
    elif isinstance(password, EnvRef):
        remember_secret(password.fallback)
    if not parts:
        return None
    return UrlSource(
        env_var=None, literal=None, fallback=None, host_style=True, host_parts=MappingProxyType(parts)
    )


def resolve_out_dir(root: Path, out: str) -> Path:
    if "\x00" in out:  # no path can hold it (node's fs refuses it too)
        raise ConfigError(f"the migrations folder {out!r} has a NUL byte in its name")
    try:
        return (root / out).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: Python 3.11's symlink loop (OSError ELOOP from 3.13 on)
        why = getattr(exc, "strerror", None) or "a symbolic link loop"
        raise ConfigError(f"the migrations folder {root / out} cannot be resolved: {why}",
                          hint="point `out` (or --out) at a real directory") from None


def remember_url(url: str | None) -> None:
    """Register the password of a URL so redact masks it anywhere (parse_url registers it as it parses)."""
    if not url:
        return
    # A malformed URL fails later with its own message; redact's URL pattern still masks it.
    with contextlib.suppress(ConfigError):
        parse_url(url)
