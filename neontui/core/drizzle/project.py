"""The Drizzle project neontui works on: which config file, what it says, its .env files and the database URL.

The config is read statically (see config_reader): neontui shows and checks migrations without running user
code. Every URL and password met on the way is registered with `remember_secret`, and the dataclass reprs
hide them, so neither an error message nor a traceback with locals can print one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlencode

from dotenv import dotenv_values

from neontui.core.db.url import parse_url
from neontui.core.drizzle.config_reader import Dynamic, EnvRef, JsObject, JsSyntaxError, JsValue, parse_config_source
from neontui.core.errors import ConfigError
from neontui.core.redact import remember_secret

__all__ = [
    "CONFIG_NAMES",
    "ENV_FILES",
    "DrizzleConfig",
    "EnvRef",
    "Project",
    "UrlSource",
    "find_config",
    "load_project",
    "read_config",
]

# Preference order when one directory holds several (drizzle-kit itself only looks for .ts, .js, .json).
CONFIG_NAMES = tuple(f"drizzle.config.{ext}" for ext in ("ts", "mts", "js", "mjs", "cjs", "json"))
ENV_FILES = (".env", ".env.local")  # later files override earlier ones; the real environment wins over both
MONOREPO_DIRS = ("packages", "apps")
PREFIXES = ("index", "timestamp", "supabase", "unix", "none")
HOST_KEYS = ("host", "port", "user", "password", "database", "ssl")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
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
    # drizzle-kit ignores `generate --prefix` when the config has a `migrations` key (drizzle.md §1.4)
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


@dataclass(frozen=True)
class Project:
    config: DrizzleConfig
    env: Mapping[str, str] = field(repr=False, hash=False)  # merged: .env < .env.local < real environment
    env_files: tuple[Path, ...]  # the .env files that were found and loaded
    database_url: str | None = field(repr=False)  # secret: never print; use redact / masking
    url_origin: str  # human description without secrets
    # variable name → ".env", ".env.local" or "the environment"
    env_sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def out_dir(self) -> Path:
        return self.config.out_dir

    @property
    def ledger_schema(self) -> str:
        """Schema of drizzle's bookkeeping table; raises ConfigError if the config computes it."""
        return self._ledger_key("migrations.schema", self.config.migrations_schema)

    @property
    def ledger_table(self) -> str:
        """Name of drizzle's bookkeeping table; raises ConfigError if the config computes it."""
        return self._ledger_key("migrations.table", self.config.migrations_table)

    def _ledger_key(self, key: str, value: str) -> str:
        if key in self.config.dynamic:
            # Guessing the default here would show the wrong ledger as "nothing applied".
            raise ConfigError(
                self.config.why_dynamic(key),
                hint=f"write {key} as a string literal in {self.config.path.name}",
            )
        return value


# ----------------------------------------------------------------------------------------------------
# Discovery


def find_config(start: Path) -> Path:
    """The drizzle config for `start`: a config file itself, one in `start` or a parent up to the repository
    root, or exactly one in packages/* or apps/* below `start`."""
    start = Path(start).expanduser()
    if start.is_file():
        return _absolute_file(start)
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


def _absolute_file(path: Path) -> Path:
    # Resolve the directory but not the file: a symlinked config still runs in the directory it was found in.
    path = Path(os.path.abspath(path.expanduser()))
    return path.parent.resolve() / path.name


# ----------------------------------------------------------------------------------------------------
# Reading the config


def read_config(path: Path) -> DrizzleConfig:
    """Read a drizzle config statically; ConfigError names the file and the problem."""
    path = _absolute_file(Path(path))
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
    return data  # type: ignore[no-any-return]


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
        schema = raw_schema  # type: ignore[assignment]
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
        out_dir=_out_dir(root, out),
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
        _remember_url(url)
        return UrlSource(env_var=None, literal=url, fallback=None, host_style=False)
    if isinstance(url, EnvRef):
        _remember_url(url.fallback)
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


def _out_dir(root: Path, out: str) -> Path:
    if "\x00" in out:  # no path can hold it (node's fs refuses it too)
        raise ConfigError(f"the migrations folder {out!r} has a NUL byte in its name")
    try:
        return (root / out).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: Python 3.11's symlink loop (OSError ELOOP from 3.13 on)
        why = getattr(exc, "strerror", None) or "a symbolic link loop"
        raise ConfigError(f"the migrations folder {root / out} cannot be resolved: {why}",
                          hint="point `out` (or --out) at a real directory") from None


def _remember_url(url: str | None) -> None:
    """Register the password of a URL so redact masks it anywhere (parse_url registers it as it parses)."""
    if not url:
        return
    # A malformed URL fails later with its own message; redact's URL pattern still masks it.
    with contextlib.suppress(ConfigError):
        parse_url(url)


# ----------------------------------------------------------------------------------------------------
# Project = config + environment + overrides


def load_project(
    start: Path | None = None,
    *,
    config: Path | None = None,
    out: str | None = None,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Project:
    """Find and read the config, load .env/.env.local next to it and resolve the database URL.

    `out` and `url` are the --out / --url overrides. Raises ConfigError when the config cannot be found or
    read, or when `out` is computed and no --out is given. A URL that cannot be resolved is not an error here
    (database_url is None and url_origin says why): not every caller needs the database.
    """
    return build_project(read_config(locate_config(start, config)), out=out, url=url, environ=environ)


def locate_config(start: Path | None = None, config: Path | None = None) -> Path:
    """The config file from --config (a file or a project directory) or by discovery from `start` (cwd)."""
    if config is not None:
        path = Path(config).expanduser()
        if path.is_dir():
            return find_config(path)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist", hint="check --config PATH")
        return _absolute_file(path)
    return find_config(Path.cwd() if start is None else Path(start))


def build_project(
    cfg: DrizzleConfig,
    *,
    out: str | None = None,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
    require_out: bool = True,
) -> Project:
    """Combine a read config with the environment and the overrides (see load_project).

    require_out=False keeps a computed `out` as the default instead of raising (for diagnostics).
    """
    if out is not None:
        cfg = replace(
            cfg,
            out=out,
            out_dir=_out_dir(cfg.root, out),
            dynamic=tuple(k for k in cfg.dynamic if k != "out"),
            dynamic_reasons=MappingProxyType({k: v for k, v in cfg.dynamic_reasons.items() if k != "out"}),
        )
    elif "out" in cfg.dynamic and require_out:
        raise ConfigError(
            f"{cfg.why_dynamic('out')}; pass --out DIR",
            hint=f"neontui reads {cfg.path.name} without running it",
        )
    env, sources, files = load_env(cfg.root, os.environ if environ is None else environ)
    if url:
        _remember_url(url)
        database_url: str | None = url
        origin = "--url"
    else:
        database_url, origin = _resolve_url(cfg, env, sources)
        _remember_url(database_url)
    return Project(
        config=cfg,
        env=MappingProxyType(env),
        env_files=files,
        database_url=database_url,
        url_origin=origin,
        env_sources=MappingProxyType(sources),
    )


def load_env(
    root: Path, environ: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str], tuple[Path, ...]]:
    """(merged variables, variable → where it came from, files loaded). Never writes to os.environ.

    No ${VAR} interpolation: drizzle-kit's bundled dotenv does not expand either, and the values must agree.
    """
    merged: dict[str, str] = {}
    sources: dict[str, str] = {}
    files: list[Path] = []
    for name in ENV_FILES:
        path = root / name
        if not path.is_file():
            continue
        try:
            values = dotenv_values(path, interpolate=False)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        files.append(path)
        for key, value in values.items():
            if value is not None:  # a bare `KEY` line sets nothing
                merged[key], sources[key] = value, name
    for key, value in environ.items():
        merged[key], sources[key] = value, "the environment"
    return merged, sources, tuple(files)


def _not_set(names: tuple[str, ...]) -> str:
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    verb = "is" if len(names) == 1 else "are"
    return f"{which} {verb} not set (looked in the environment, {', '.join(ENV_FILES)})"


def _env_value(ref: EnvRef, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(value, variable it came from) following JS `a ?? b ?? 'x'` / `a || 'x'`; variable None = fallback."""
    for name in ref.names:
        value = env.get(name)
        if value is None or (value == "" and ref.or_empty):
            continue
        return value, name
    return ref.fallback, None


def _resolve_url(
    cfg: DrizzleConfig, env: Mapping[str, str], sources: Mapping[str, str]
) -> tuple[str | None, str]:
    name = cfg.path.name
    src = cfg.url
    if cfg.url_is_dynamic:
        return None, f"could not be read statically from {name} (pass --url)"
    if src is None:
        return None, f"not set (no dbCredentials.url in {name})"
    if src.host_style:
        return _host_url(src, env, sources, name)
    if src.literal is not None:
        return (
            (src.literal, f"literal in {name}")
            if src.literal
            else (None, f"dbCredentials.url is empty in {name}")
        )
    assert src.env_var is not None
    ref = EnvRef(src.env_var, src.env_alternates, src.fallback, src.fallback_if_empty)
    value, var = _env_value(ref, env)
    if var is not None:
        if not value:
            return None, f"{var} is empty (in {sources.get(var, 'the environment')})"
        return value, f"{var} from {sources.get(var, 'the environment')}"
    if value:
        return value, f"fallback in {name}"
    return None, _not_set(ref.names)


def _host_url(
    src: UrlSource, env: Mapping[str, str], sources: Mapping[str, str], name: str
) -> tuple[str | None, str]:
    """Build a postgresql:// URL from host-style dbCredentials (the way drizzle-kit hands them to pg)."""
    values: dict[str, str] = {}
    used: list[str] = []
    for key, raw in src.host_parts.items():
        if isinstance(raw, EnvRef):
            value, var = _env_value(raw, env)
            if value is None or value == "":
                if key in ("host", "database"):
                    return None, _not_set(raw.names) if var is None else f"{var} is empty"
                continue  # optional part left out, as pg does with undefined
            if var is not None:
                used.append(f"{var} from {sources.get(var, 'the environment')}")
        elif isinstance(raw, bool):
            value = "true" if raw else "false"
        else:
            value = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        values[key] = value
    for key in ("host", "database"):
        if not values.get(key):
            return None, f"dbCredentials.{key} is missing in {name}"
    if password := values.get("password"):
        remember_secret(password)
    origin = f"host-style dbCredentials in {name}" + (f" ({', '.join(used)})" if used else "")
    return _compose_url(values), origin


def _compose_url(values: Mapping[str, str]) -> str:
    host = values["host"]
    query: dict[str, str] = {}
    userinfo = quote(values.get("user", ""), safe="")
    if "password" in values:
        userinfo += ":" + quote(values["password"], safe="")
    netloc = f"{userinfo}@" if userinfo else ""
    if host.startswith("/"):  # Unix socket directory: libpq and pg take it as ?host= (drizzle.md §7.9)
        query["host"] = host
    else:
        netloc += f"[{host}]" if ":" in host and not host.startswith("[") else host
        if values.get("port"):
            netloc += f":{values['port']}"
    ssl = values.get("ssl", "").lower()
    if ssl in ("true", "require") or ssl in SSL_MODES:
        query["sslmode"] = "require" if ssl == "true" else ssl
    elif ssl == "false":
        query["sslmode"] = "disable"
    url = f"postgresql://{netloc}/{quote(values['database'], safe='')}"
    return url + (f"?{urlencode(query)}" if query else "")
