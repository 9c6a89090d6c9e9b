"""Is the database we are about to touch production? One classification that every path and the UI share.

Rules, first match wins:

1. `--env` on the command line (`env_flag`);
2. the `NEONTUI_ENV` environment variable (an empty value counts as unset);
3. configuration: the target named by `--target`, else the target whose `url_env` is the variable the URL came
   from, else `default_target`; the matched target decides when it sets `production`;
4. no database URL at all: development ("no database"; nothing can be harmed);
5. a Neon branch named `main` or `production` (known only when the caller asked the Neon API): production;
6. every host the URL (or, without a host, PGHOST/PGHOSTADDR) can connect to is local: a unix socket,
   `localhost`, 127.0.0.0/8 or ::1: development;
7. anything else, including every Neon host without configuration: production. Unknown means production, so
   a forgotten setting can only make neontui stricter, never laxer.

Accepted values for `--env` and `NEONTUI_ENV` (case-insensitive): production, prod → production; development,
dev, staging, preview, test → not production.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

from neontui.core.connection import parse_url
from neontui.core.errors import ConfigError
from neontui.core.settings import Settings, Target

__all__ = ["ENV_VALUES", "PRODUCTION_BRANCHES", "Environment", "classify", "parse_env_value", "resolve_target"]

ENV_VALUES: Mapping[str, bool] = {
    "production": True,
    "prod": True,
    "development": False,
    "dev": False,
    "staging": False,
    "preview": False,
    "test": False,
}
PRODUCTION_BRANCHES = ("main", "production")  # Neon's root branch names (neon.md: Console vs API/CLI projects)
UNKNOWN_REMOTE = "unknown remote target: treated as production; configure it in neontui.toml"


@dataclass(frozen=True)
class Environment:
    name: str  # "production", "development", or the configured target name when that target decided
    production: bool
    reason: str  # why, one line for the UI
    target: str | None = None  # the configured target that matched, even when something else decided


def _env(production: bool, reason: str, target: str | None) -> Environment:
    return Environment("production" if production else "development", production, reason, target)


def parse_env_value(value: str, source: str) -> bool:
    """True for a production value, False for a development one; ConfigError listing the accepted values."""
    key = value.strip().lower()
    if key not in ENV_VALUES:
        raise ConfigError(f"{source} has an unknown value {value!r}: expected one of {', '.join(ENV_VALUES)}")
    return ENV_VALUES[key]


def resolve_target(settings: Settings, *, target_name: str | None = None, url_env: str | None = None) -> Target | None:
    """The configured target for this run: --target, else the one reading `url_env`, else default_target.

    An unknown --target and a `url_env` shared by several targets are errors: guessing there could pick a
    development target for a production database.
    """
    if target_name is not None:
        if target_name in settings.targets:
            return settings.targets[target_name]
        configured = ", ".join(settings.targets) or "none"
        raise ConfigError(
            f"unknown target {target_name!r} (configured in {settings.source}: {configured})",
            hint="add a [targets.<name>] table to neontui.toml or pick a configured target",
        )
    if url_env is not None:
        matches = [t for t in settings.targets.values() if t.url_env == url_env]
        if len(matches) > 1:
            names = ", ".join(t.name for t in matches)
            raise ConfigError(
                f"targets {names} all use url_env = {url_env!r} in {settings.source}", hint="pass --target NAME"
            )
        if matches:
            return matches[0]
    if settings.default_target is not None:
        return settings.targets.get(settings.default_target)
    return None


def classify(
    url: str | None,
    settings: Settings,
    *,
    env_flag: str | None = None,
    environ: Mapping[str, str] | None = None,
    target_name: str | None = None,
    url_env: str | None = None,
    branch_name: str | None = None,
) -> Environment:
    """Classify the run's database as production or not; see the module docstring for the rules."""
    environ = os.environ if environ is None else environ
    target = resolve_target(settings, target_name=target_name, url_env=url_env)
    matched = target.name if target else None

    if env_flag is not None:
        production = parse_env_value(env_flag, "--env")
        reason = f"--env {env_flag.strip()}"
        return _env(production, reason, matched)
    if env_value := environ.get("NEONTUI_ENV", "").strip():
        production = parse_env_value(env_value, "NEONTUI_ENV")
        reason = f"NEONTUI_ENV={env_value}"
        return _env(production, reason, matched)
    if target is not None and target.production is not None:
        setting = "true" if target.production else "false"
        reason = f"target {target.name} has production = {setting} in {settings.source}"
        return Environment(target.name, target.production, reason, target.name)

    if not url or not url.strip():
        return _env(False, "no database", matched)
    if branch_name is not None and branch_name.strip().lower() in PRODUCTION_BRANCHES:
        return _env(True, f"Neon branch {branch_name.strip()}", matched)
    try:
        local = _local_kind(url, environ)
    except ConfigError:
        # The connection reports what is wrong with it; until then it is not known to be local.
        return _env(True, "unreadable database URL: treated as production", matched)
    if local is not None:
        return _env(False, f"{local} target", matched)
    return _env(True, UNKNOWN_REMOTE, matched)


def _local_kind(url: str, environ: Mapping[str, str]) -> str | None:
    """The kind of local target ("unix-socket", "localhost") when every host libpq may try is local, else None."""
    parsed = parse_url(url)
    hosts = list(parsed.hosts)
    if not hosts:
        # No host in the URL: libpq falls back to PGHOST, then to its default (a socket; localhost on Windows).
        hosts = [h for h in environ.get("PGHOST", "").split(",") if h]
        if not hosts:
            hosts = ["/default-socket"] if parsed.is_unix_socket else ["localhost"]
    # hostaddr, when given, is where libpq really connects (host is then only used for TLS and pgpass).
    addresses = [a for a in (parsed.params.get("hostaddr") or environ.get("PGHOSTADDR", "")).split(",") if a]
    if not all(_is_local(h) for h in [*hosts, *addresses]):
        return None
    return "unix-socket" if all(_is_socket(h) for h in hosts) and not addresses else "localhost"


def _is_socket(host: str) -> bool:
    return host.startswith(("/", "@"))  # a socket directory, or a Linux abstract socket


def _is_local(host: str) -> bool:
    host = host.strip()
    if _is_socket(host):
        return True
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback
