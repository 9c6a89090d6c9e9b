"""Is the database we are about to touch production? One classification that every path and the UI share.

Which configured target this run is comes from the connection's identity, never from how the URL arrived:

* `--target NAME` names one;
* a target whose URL (its `url_env`, resolved like the project's own variables) reaches the same hosts, ports and
  database as the run's URL is that target, whether the run's URL came from `--url`, another variable or the config;
* a target whose server identity (the connected server's system identifier, Neon branch or endpoint, and address,
  see `neontui.core.db.connect.ServerIdentity`) is the run's is that target, whatever name reached it;
* the target whose `url_env` the URL came from, else `default_target`.

Rules, first match wins:

1. any of those targets has `production = true`: production. That is the team's decision, recorded in the
   repository, so nothing on one machine undoes it: `--env development`, `NEONTUI_ENV=dev…` and `--target` naming a
   non-production target are refused with a one-line error (`Downgrade`) that names the production target;
2. `--env` on the command line (`env_flag`);
3. the `NEONTUI_ENV` environment variable (an empty value counts as unset);
4. the matched target sets `production = false`: development;
5. no database URL at all: development ("no database"; nothing can be harmed);
6. a Neon branch named `main` or `production` (known only when the caller asked the Neon API): production;
7. every host libpq connected to (`server`: after service files, PGHOST and the like; without a connection, every
   host the URL may try) is local: a unix socket, `localhost`, 127.0.0.0/8 or ::1: development;
8. anything else, including every Neon host without configuration: production. Unknown means production, so
   a forgotten setting can only make neontui stricter, never laxer.

Accepted values for `--env` and `NEONTUI_ENV` (case-insensitive): production, prod → production; development,
dev, staging, preview, test → not production.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from neontui.core.db.url import neon_endpoint_id, parse_url
from neontui.core.errors import ConfigError
from neontui.core.gate.settings import Settings, Target

if TYPE_CHECKING:  # annotations only: the policy imports this module and must not load the database driver
    from neontui.core.db.connect import ServerIdentity, ServerInfo

__all__ = ["ENV_VALUES", "PRODUCTION_BRANCHES", "Downgrade", "Environment", "classify", "parse_env_value",
           "resolve_target", "same_target"]

ENV_VALUES: Mapping[str, bool] = {
    "production": True,
    "prod": True,
    "development": False,
    "dev": False,
    "staging": False,
    "preview": False,
    "test": False,
}
PRODUCTION_BRANCHES = ("main", "production")  # Neon's root branch names (docs/compatibility.md#neon-branch-names)
UNKNOWN_REMOTE = "unknown remote target: treated as production; configure it in neontui.toml"


class Downgrade(ConfigError):
    """A flag or variable tried to treat a production target as something else."""

    kind = "downgrade"


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
    """The configured target named by --target, else the one reading `url_env`, else default_target.

    An unknown --target and a `url_env` shared by several targets are errors: guessing there could pick a
    development target for a production database.
    """
    if target_name is not None:
        return _named(settings, target_name)
    by_env = _by_url_env(settings, url_env)
    if by_env:
        return _one(by_env, settings, url_env)
    if settings.default_target is not None:
        return settings.targets.get(settings.default_target)
    return None


def _named(settings: Settings, name: str) -> Target:
    if name in settings.targets:
        return settings.targets[name]
    configured = ", ".join(settings.targets) or "none"
    raise ConfigError(
        f"unknown target {name!r} (configured in {settings.source}: {configured})",
        hint="add a [targets.<name>] table to neontui.toml or pick a configured target",
    )


def _by_url_env(settings: Settings, url_env: str | None) -> list[Target]:
    return [t for t in settings.targets.values() if url_env is not None and t.url_env == url_env]


def _one(matches: list[Target], settings: Settings, url_env: str | None) -> Target:
    if len(matches) > 1:
        names = ", ".join(t.name for t in matches)
        raise ConfigError(f"targets {names} all use url_env = {url_env!r} in {settings.source}",
                          hint="pass --target NAME")
    return matches[0]


def same_target(url: str, target_url: str) -> bool:
    """Whether two URLs reach the same database on the same host and port (by their text, before connecting).

    Neon hosts compare by endpoint id, so the pooled and direct forms of one compute are one target. A URL
    without a host (libpq's defaults, a service file) is never the same by text: only its connection can say.
    """
    try:
        ours, theirs = _reach(url), _reach(target_url)
    except ConfigError:
        return False
    return bool(ours and theirs and ours[0] == theirs[0] and ours[1] & theirs[1])


def _reach(url: str) -> tuple[str, set[tuple[str, int]]] | None:
    parsed = parse_url(url)
    if not parsed.hosts or "service" in parsed.params:
        return None
    # libpq pairs hosts with ports; one port applies to every host, none means 5432.
    ports = list(parsed.ports) or [None]
    if len(ports) == 1:
        ports *= len(parsed.hosts)
    places = set()
    for host, port in zip(parsed.hosts, ports, strict=False):
        # Host names are case-insensitive; socket directories are paths, compared as written.
        place = host if _is_socket(host) else (neon_endpoint_id(host) or host.rstrip(".").strip("[]")).lower()
        places.add((place, port or 5432))
    return (parsed.dbname or parsed.user or ""), places


def classify(
    url: str | None,
    settings: Settings,
    *,
    env_flag: str | None = None,
    environ: Mapping[str, str] | None = None,
    target_name: str | None = None,
    url_env: str | None = None,
    branch_name: str | None = None,
    server: ServerInfo | None = None,
    target_urls: Mapping[str, str] | None = None,
    identities: Mapping[str, Sequence[ServerIdentity]] | None = None,
) -> Environment:
    """Classify the run's database as production or not; see the module docstring for the rules.

    `server`: what the connection reached; `target_urls`: each target's URL as the project's variables resolve
    it; `identities`: the server identity of targets known to this run (probed or remembered).
    """
    environ = os.environ if environ is None else environ
    explicit = _named(settings, target_name) if target_name is not None else None
    same = _same_targets(url, settings, server, target_urls or {}, identities or {})
    by_env = _by_url_env(settings, url_env)  # the URL came from these targets' own variable
    if len(by_env) > 1 and explicit is None:
        _one(by_env, settings, url_env)  # ambiguous: which one is for --target to say
    fallback = None if explicit or same or by_env else resolve_target(settings)
    candidates = [t for t in (explicit, *same, *by_env, fallback) if t is not None]
    target = next((t for t in candidates if t.production), candidates[0] if candidates else None)
    matched = target.name if target else None

    if target is not None and target.production:
        _refuse_downgrade(target, settings, explicit, env_flag, environ)
        how = "" if target in (explicit, *by_env, fallback) else " (the connection reaches its database)"
        return Environment(target.name, True, f"target {target.name} has production = true in {settings.source}"
                           + how, target.name)
    if env_flag is not None:
        return _env(parse_env_value(env_flag, "--env"), f"--env {env_flag.strip()}", matched)
    if env_value := environ.get("NEONTUI_ENV", "").strip():
        return _env(parse_env_value(env_value, "NEONTUI_ENV"), f"NEONTUI_ENV={env_value}", matched)
    if target is not None and target.production is not None:
        return Environment(target.name, False, f"target {target.name} has production = false in {settings.source}",
                           target.name)

    if not url or not url.strip():
        return _env(False, "no database", matched)
    if branch_name is not None and branch_name.strip().lower() in PRODUCTION_BRANCHES:
        return _env(True, f"Neon branch {branch_name.strip()}", matched)
    try:
        local = _local_kind(url, environ, server)
    except ConfigError:
        # The connection reports what is wrong with it; until then it is not known to be local.
        return _env(True, "unreadable database URL: treated as production", matched)
    if local is not None:
        return _env(False, f"{local} target", matched)
    return _env(True, UNKNOWN_REMOTE, matched)


def _same_targets(url: str | None, settings: Settings, server: ServerInfo | None, target_urls: Mapping[str, str],
                  identities: Mapping[str, Sequence[ServerIdentity]]) -> list[Target]:
    """The configured targets this connection is, by URL (text) or by server identity."""
    found: list[Target] = []
    for target in settings.targets.values():
        target_url = target_urls.get(target.name)
        by_text = bool(url and target_url and same_target(url, target_url))
        known = identities.get(target.name, ())
        by_identity = server is not None and any(server.identity.same_server(k) for k in known)
        if by_text or by_identity:
            found.append(target)
    return found


def _refuse_downgrade(target: Target, settings: Settings, explicit: Target | None, env_flag: str | None,
                      environ: Mapping[str, str]) -> None:
    where = f"target {target.name} is production (production = true in {settings.source})"
    if explicit is not None and explicit is not target and not explicit.production:
        raise Downgrade(f"{where} and this database is that target: --target {explicit.name} cannot make it "
                        f"{explicit.name}", hint=f"use --target {target.name}, or point the run at another database")
    env_value = environ.get("NEONTUI_ENV", "").strip()
    for value, source in ((env_flag, "--env"), (env_value or None, "NEONTUI_ENV")):
        if value is not None and not parse_env_value(value, source):
            shown = f"--env {value.strip()}" if source == "--env" else f"NEONTUI_ENV={value}"
            raise Downgrade(f"{where}: {shown} cannot downgrade it",
                            hint=f"remove {source}; a production target is changed in {settings.source} only")


def _local_kind(url: str, environ: Mapping[str, str], server: ServerInfo | None = None) -> str | None:
    """The kind of local target ("unix-socket", "localhost") when every host libpq may try is local, else None.

    With a connection, what libpq actually reached decides (a service file or PGHOST may point elsewhere).
    """
    if server is not None and (server.host or server.hostaddr):
        reached = [h for h in (server.host, server.hostaddr) if h]
        if not all(_is_local(h) for h in reached):
            return None
        return "unix-socket" if _is_socket(reached[0]) and not server.hostaddr else "localhost"
    parsed = parse_url(url)
    if "service" in parsed.params or environ.get("PGSERVICE"):
        return None  # a service file decides the host: unknown until connected
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
