"""The Drizzle project neontui works on: which config file, what it says, its .env files and the database URL.

The config is found and read statically by config_file: neontui shows and checks migrations without running user
code. Every URL and password met on the way is registered with `remember_secret`, and the dataclass reprs
hide them, so neither an error message nor a traceback with locals can print one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import quote, urlencode

from dotenv import dotenv_values

from neontui.core.drizzle.config_file import (
    DrizzleConfig,
    UrlSource,
    absolute_config_path,
    find_config,
    read_config,
    remember_url,
    resolve_out_dir,
)
from neontui.core.drizzle.config_reader import EnvRef
from neontui.core.errors import ConfigError
from neontui.core.redact import remember_secret

__all__ = ["ENV_FILES", "Project", "build_project", "load_env", "load_project", "locate_config"]

ENV_FILES = (".env", ".env.local")  # later files override earlier ones; the real environment wins over both
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


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
        return absolute_config_path(path)
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
            out_dir=resolve_out_dir(cfg.root, out),
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
        remember_url(url)
        database_url: str | None = url
        origin = "--url"
    else:
        database_url, origin = _resolve_url(cfg, env, sources)
        remember_url(database_url)
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
    # a Unix socket directory: libpq and pg take it as ?host= (docs/compatibility.md#drizzle-unix-sockets)
    if host.startswith("/"):
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
