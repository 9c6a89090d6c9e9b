"""Database URLs and connections: the one place that parses a PostgreSQL URL and opens a psycopg connection.

The parser follows libpq's URI grammar (libpq is what finally connects), so what we show and derive is what
libpq will use. Neon hosts are recognised by name only (neon.md §1.1): the pooled host is the direct host
with `-pooler` on its first DNS label, and the other form is derived by toggling that suffix in the original
string, never by rebuilding the host from a region.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote, unquote

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.rows import tuple_row

from neontui.core.errors import ConfigError, ConnectionFailure
from neontui.core.redact import MASK, redact, remember_secret

_SCHEMES = ("postgresql://", "postgres://")
_NEON_SUFFIX = ".neon.tech"
_POOLER = "-pooler"
_DEFAULT_PORT = 5432
_EXAMPLE = "postgresql://user:password@host:5432/dbname"

# A '%' that does not start a %XX escape: libpq rejects it, so we do too, with a clearer message.
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# libpq stops a host at these characters; a port at the same ones minus ':'.
_HOST_END = re.compile(r"[:/?,]")
_PORT_END = re.compile(r"[/?,]")


@dataclass(frozen=True, repr=False)
class DbUrl:
    """A parsed PostgreSQL URL. `repr` never shows the password or the raw URL."""

    raw: str  # the URL as given (surrounding whitespace removed); never print it, use .masked()
    scheme: str
    user: str | None
    password: str | None  # decoded
    host: str | None  # first host, decoded (may be a unix socket dir taken from ?host=)
    port: int | None
    dbname: str | None
    params: dict[str, str] = field(hash=False)  # query parameters, decoded, order kept
    hosts: tuple[str, ...] = ()  # every host libpq may try, decoded, in order (the first is `host`)
    ports: tuple[int | None, ...] = ()  # the port of each host as written (one port applies to all; None: 5432)

    @property
    def is_neon(self) -> bool:
        return _is_neon_host(self.host)

    @property
    def is_pooled(self) -> bool:
        return self.is_neon and _is_pooled_host(self.host or "")

    @property
    def endpoint_id(self) -> str | None:
        return neon_endpoint_id(self.host)

    @property
    def is_unix_socket(self) -> bool:
        # No host at all means libpq's default, which is a unix socket everywhere but Windows.
        if self.host is None:
            return os.name != "nt"
        return self.host.startswith(("/", "@"))

    def masked(self) -> str:
        return redact(self.raw)

    def display_target(self) -> str:
        if self.is_unix_socket:
            where = self.host or "default socket"
            if self.port is not None:
                where = f"{where}:{self.port}"
        else:
            host = self.host or "localhost"
            where = f"[{host}]" if ":" in host else host
            where = f"{where}:{self.port or _DEFAULT_PORT}"
        # redact() too: a password that happens to appear in a host or database name must not leak either.
        return redact(f"{where}/{self.dbname}" if self.dbname else where)

    def __repr__(self) -> str:
        # Each value is redacted on its own: redacting the whole text would also turn `password=None` into
        # `password=****` (the keyword rule), hiding whether a password is set.
        params = {k: (MASK if k.lower() == "password" else v) for k, v in self.params.items()}
        password = MASK if self.password else None
        return (
            f"DbUrl(scheme={self.scheme!r}, user={redact(repr(self.user))}, password={password!r}, "
            f"host={redact(repr(self.host))}, port={self.port!r}, dbname={redact(repr(self.dbname))}, "
            f"params={redact(repr(params))})"
        )


class _HostRef(NamedTuple):
    """One host as written in the URL: its span in the original string and its decoded text."""

    start: int
    end: int
    host: str


class _Layout(NamedTuple):
    """Where the effective hosts and the database name sit in the original string (offsets into it)."""

    hosts: list[_HostRef]
    dbname: tuple[int, int]  # the ?dbname= value if given (libpq lets it win), else the path after '/'
    has_path: bool  # False: there is no '/' after the hosts, so `dbname` is an empty insertion point


def parse_url(url: str) -> DbUrl:
    """Parse a postgresql:// or postgres:// URL; raise ConfigError (one line) if it is unusable."""
    return _parse(url)[0]


def _parse(url: str) -> tuple[DbUrl, _Layout]:
    """Parse `url` and also return where its parts are (offsets into `url` itself) for derived URLs."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigError("the database URL is empty", hint=f"set it to {_EXAMPLE}")
    lead = len(url) - len(url.lstrip())
    text = url.strip()
    scheme = next((s for s in _SCHEMES if text.startswith(s)), None)
    if scheme is None:
        raise ConfigError(_not_a_url_message(text), hint=f"use a URL like {_EXAMPLE}")

    pos = len(scheme)
    n = len(text)
    # Userinfo: like libpq, look ahead for '@' but stop at the first '/'.
    user_raw: str | None = None
    password_raw: str | None = None
    at, slash = text.find("@", pos), text.find("/", pos)
    if at != -1 and (slash == -1 or at < slash):
        user_raw, colon, pw = text[pos:at].partition(":")
        if colon:
            password_raw = pw
            # Register first, so every message from here on (ours and libpq's) is masked.
            remember_secret(password_raw)
        pos = at + 1

    # Hosts and ports: a comma-separated list of host[:port], IPv6 literals in brackets.
    netloc_hosts: list[_HostRef] = []
    netloc_ports: list[str] = []
    while True:
        if pos < n and text[pos] == "[":
            close = text.find("]", pos)
            if close == -1:
                raise ConfigError("the database URL has an IPv6 host without the closing ']'")
            if close == pos + 1:
                raise ConfigError("the database URL has an empty IPv6 host '[]'")
            raw_host, start, pos = text[pos + 1 : close], pos + 1, close + 1
            end = close
            if pos < n and text[pos] not in ":/?,":
                raise ConfigError("the database URL has unexpected text after the IPv6 host's ']'")
        else:
            match = _HOST_END.search(text, pos)
            start, end = pos, match.start() if match else n
            raw_host, pos = text[start:end], end
        netloc_hosts.append(_HostRef(start, end, raw_host))
        if pos < n and text[pos] == ":":
            match = _PORT_END.search(text, pos + 1)
            end = match.start() if match else n
            netloc_ports.append(text[pos + 1 : end])
            pos = end
        else:
            netloc_ports.append("")
        if pos < n and text[pos] == ",":
            pos += 1
            continue
        break

    path_raw = ""
    path_span, has_path = (pos, pos), False
    if pos < n and text[pos] == "/":
        qmark = text.find("?", pos)
        end = qmark if qmark != -1 else n
        path_raw, path_span, has_path, pos = text[pos + 1 : end], (pos + 1, end), True, end

    # libpq splits userinfo at the first '@' and ends it at the first '/', so an unencoded '@' or '/' in a
    # password silently turns part of it into a host, port or database name. Catch that before any message
    # could echo those parts.
    if any("@" in ref.host for ref in netloc_hosts):
        raise ConfigError(
            "the database URL contains more than one '@' before the host",
            hint="percent-encode '@' in the user or password as %40",
        )
    if user_raw is None and "@" in path_raw:
        raise ConfigError(
            "the database URL has an '@' after the first '/'",
            hint="percent-encode '/' in the user or password as %2F, and '@' in a database name as %40",
        )

    params: dict[str, str] = {}
    query_hosts: list[_HostRef] | None = None
    dbname_param: tuple[int, int] | None = None
    if pos < n and text[pos] == "?":
        offset = pos + 1
        for chunk in text[offset:].split("&"):
            chunk_start, offset = offset, offset + len(chunk) + 1
            if not chunk:
                if chunk_start >= n:
                    break  # a trailing '&' (or a bare '?') is accepted by libpq
                raise ConfigError("the database URL has an empty query parameter ('&&' or '?&')")
            key_raw, eq, value_raw = chunk.partition("=")
            key = _decode(key_raw, "a query parameter name")
            if key.lower() == "password":
                remember_secret(value_raw)
            if not eq:
                raise ConfigError(
                    f'query parameter "{key}" in the database URL has no value', hint=f"write {key}=value"
                )
            if "=" in value_raw:
                raise ConfigError(
                    f'query parameter "{key}" in the database URL contains an unencoded "="',
                    hint="percent-encode it as %3D, e.g. options=endpoint%3Dep-…",
                )
            value = _decode(value_raw, "the password" if key.lower() == "password" else f'parameter "{key}"')
            params[key] = value
            if key == "dbname":
                dbname_param = (chunk_start + len(key_raw) + 1, chunk_start + len(chunk))
            if key == "host":
                # libpq splits the decoded value on ','; split the raw text so each host keeps its own span.
                query_hosts, value_start = [], chunk_start + len(key_raw) + 1
                for part in value_raw.split(","):
                    query_hosts.append(_HostRef(value_start, value_start + len(part), part))
                    value_start += len(part) + 1

    hosts = [
        _HostRef(lead + ref.start, lead + ref.end, _decode(ref.host, "the host"))
        for ref in (query_hosts if query_hosts is not None else netloc_hosts)
    ]

    port_texts = (
        params["port"].split(",") if "port" in params else [_decode(p, "the port") for p in netloc_ports]
    )
    ports = [_port(p) for p in port_texts]

    user = params.get("user", _decode(user_raw, "the user name") if user_raw else None)
    password = params.get("password", _decode(password_raw, "the password") if password_raw else None)
    dbname = params.get("dbname", _decode(path_raw, "the database name"))

    # Last, let libpq itself vet the URL (unknown parameters, anything our grammar missed), so a URL that
    # parses here never fails later with a confusing message.
    try:
        pg_conninfo.conninfo_to_dict(text)
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError(f"invalid database URL: {detail}", hint=f"use a URL like {_EXAMPLE}") from None

    parsed = DbUrl(
        raw=text,
        scheme=scheme[:-3],
        user=user or None,
        password=password or None,
        host=(hosts[0].host or None) if hosts else None,
        port=ports[0] if ports else None,
        dbname=dbname or None,
        params=params,
        hosts=tuple(ref.host for ref in hosts if ref.host),
        ports=tuple(ports),
    )
    db_span = dbname_param or path_span
    layout = _Layout(hosts, (lead + db_span[0], lead + db_span[1]), has_path or dbname_param is not None)
    return parsed, layout


def _not_a_url_message(text: str) -> str:
    scheme, sep, _ = text.partition("://")
    if sep and _SCHEME_NAME.fullmatch(scheme):
        if scheme.lower() in ("postgresql", "postgres"):
            return f'the database URL scheme "{scheme}://" must be lowercase (postgresql://)'
        return f'unsupported database URL scheme "{scheme}://": expected postgresql:// or postgres://'
    if "=" in text and "://" not in text:
        return "keyword/value connection strings (host=… dbname=…) are not supported: expected a URL"
    return "the database URL is not a postgresql:// URL"


def _decode(raw: str, what: str) -> str:
    """Percent-decode like libpq: '+' stays '+', malformed escapes and %00 are errors."""
    if "%" not in raw:
        return raw
    if _BAD_PERCENT.search(raw):
        raise ConfigError(
            f"the database URL has an invalid percent-escape in {what}", hint="write a literal '%' as %25"
        )
    if "%00" in raw:
        raise ConfigError(f"the database URL has a forbidden %00 in {what}")
    return unquote(raw)


def _port(text: str) -> int | None:
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        # Shortened so that even a mis-split password cannot be shown whole (redact masks known ones anyway).
        shown = text if len(text) <= 12 else text[:12] + "…"
        raise ConfigError(
            f'invalid port "{shown}" in the database URL', hint="the port must be a number from 1 to 65535"
        )
    return int(text)


def neon_endpoint_id(host: str | None) -> str | None:
    """The Neon compute endpoint a host name reaches (`ep-…`, without `-pooler`), None for any other host."""
    if not _is_neon_host(host):
        return None
    first = (host or "").split(".", 1)[0]
    return first[: -len(_POOLER)] if first.lower().endswith(_POOLER) else first


def _is_neon_host(host: str | None) -> bool:
    return bool(host) and not host.startswith(("/", "@")) and host.lower().endswith(_NEON_SUFFIX)


def _is_pooled_host(host: str) -> bool:
    return host.split(".", 1)[0].lower().endswith(_POOLER)


def _toggle_pooler(host: str, *, pooled: bool) -> str:
    """neon.md §1.1: add or remove `-pooler` on the first label only."""
    first, dot, rest = host.partition(".")
    if pooled:
        return host if _is_pooled_host(host) else f"{first}{_POOLER}{dot}{rest}"
    return f"{first[: -len(_POOLER)]}{dot}{rest}" if _is_pooled_host(host) else host


def _with_hosts(url: str, hosts: list[_HostRef], *, pooled: bool) -> str:
    """Replace only the text of each Neon host in `url`; every other character stays as written."""
    for ref in sorted(hosts, key=lambda r: r.start, reverse=True):
        if _is_neon_host(ref.host):
            new = _toggle_pooler(ref.host, pooled=pooled)
            if new != ref.host:
                url = url[: ref.start] + new + url[ref.end :]
    return url


def direct_url(url: str) -> tuple[str, str | None]:
    """The URL to run migrations with, and why it differs from `url` (None when it does not)."""
    parsed, layout = _parse(url)
    if not parsed.is_pooled:
        return url, None
    new_url = _with_hosts(url, layout.hosts, pooled=False)
    new_host = parse_url(new_url).host
    why = (
        f"switched {parsed.host} to the direct endpoint {new_host}: migrations and session advisory locks "
        "do not work through the transaction pooler"
    )
    return new_url, why


def pooled_url(url: str) -> str:
    """The Neon pooled (-pooler) form of a direct Neon URL; any other URL unchanged."""
    parsed, layout = _parse(url)
    if not parsed.is_neon or parsed.is_pooled:
        return url
    return _with_hosts(url, layout.hosts, pooled=True)


def with_database(url: str, dbname: str) -> str:
    """`url` pointing at database `dbname`; everything else (credentials, host, parameters) as written."""
    if not dbname:
        raise ConfigError("the database name is empty")
    _, layout = _parse(url)
    start, end = layout.dbname
    name = quote(dbname, safe="")
    return url[:start] + (name if layout.has_path else f"/{name}") + url[end:]


# --- connecting -------------------------------------------------------------------------------------------


# Kinds of server fact, strongest first: a Neon branch (tenant/timeline), a Neon compute endpoint, the cluster's
# system identifier, and the address the client reached. Two connections reach the same server when the
# strongest kind both know agrees (a stale remembered address cannot outvote a differing system identifier).
IDENTITY_KINDS = ("neon-timeline", "neon-endpoint", "system-identifier", "address")


@dataclass(frozen=True)
class ServerIdentity:
    """Which server and database a connection reached, independent of the name or URL used to reach it."""

    database: str
    facts: tuple[tuple[str, str], ...]  # (kind, value) for each kind known, in IDENTITY_KINDS order

    @property
    def key(self) -> str:
        """A stable text for the strongest fact and the database (checklists are stored under it)."""
        kind, value = self.facts[0] if self.facts else ("unknown", "")
        return f"{kind}:{value}/{self.database}"

    def same_server(self, other: ServerIdentity) -> bool:
        if self.database != other.database:
            return False
        theirs = dict(other.facts)
        common = next((kind for kind, _ in self.facts if kind in theirs), None)
        return common is not None and dict(self.facts)[common] == theirs[common]

    def to_json(self) -> dict[str, object]:
        return {"database": self.database, "facts": [list(f) for f in self.facts]}

    @classmethod
    def from_json(cls, data: object) -> ServerIdentity | None:
        if not isinstance(data, dict) or not isinstance(data.get("database"), str):
            return None
        raw = data.get("facts")
        if not isinstance(raw, list) or not all(
            isinstance(f, list) and len(f) == 2 and f[0] in IDENTITY_KINDS and isinstance(f[1], str) for f in raw
        ):
            return None
        return cls(data["database"], tuple((k, v) for k, v in raw))


@dataclass(frozen=True)
class ServerInfo:
    version_num: int  # server_version_num, e.g. 170004
    version: str  # short, e.g. "17.4"
    database: str
    user: str
    is_neon: bool
    # What libpq actually connected to (after service files, PGHOST and the like): conn.info.host/hostaddr/port.
    host: str | None = None
    hostaddr: str | None = None
    port: int | None = None
    system_identifier: str | None = None  # pg_control_system(), where the role may call it
    neon_timeline: str | None = None  # "tenant/timeline" from the neon extension's settings, on Neon

    @property
    def identity(self) -> ServerIdentity:
        facts: list[tuple[str, str]] = []
        if self.neon_timeline:
            facts.append(("neon-timeline", self.neon_timeline))
        if endpoint := neon_endpoint_id(self.host):
            facts.append(("neon-endpoint", endpoint.lower()))  # host names are case-insensitive
        if self.system_identifier:
            facts.append(("system-identifier", self.system_identifier))
        if self.host or self.hostaddr:
            facts.append(("address", f"{self.hostaddr or self.host}:{self.port or _DEFAULT_PORT}"))
        return ServerIdentity(self.database, tuple(facts))


# Lower-case fragments of errors worth retrying (neon.md §3): the compute is waking up or the proxy is
# rate-limiting. Timeouts are retried too but reported as "timeout" if they persist.
_COLD_START = (
    "couldn't connect to compute node",
    "the database system is starting up",
    "the database system is not yet accepting connections",
    "terminating connection due to administrator command",
    "too many database connection attempts",
    "failed to acquire permit",
    "too many connections to this endpoint",
    "control plane request failed",
)
_TIMEOUT = ("timeout expired", "timed out")
_UNKNOWN_HOST = (
    "failed to resolve host",
    "could not translate host name",
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated with hostname",
)
_REFUSED = ("connection refused", "no such file or directory")
_AUTH = ("password authentication failed", "no password supplied", "authentication failed", "channel binding")
_MISSING_DB = re.compile(r'database "(?P<name>[^"]*)" does not exist')
_MISSING_ROLE = re.compile(r'role "[^"]*" does not exist')
# psycopg/libpq wrap the server's words: 'connection failed: connection to server at "h", port 5432 failed:
# FATAL:  …'. Strip the wrapping so the one-line message starts with what actually went wrong.
_PREFIXES = re.compile(
    r'^(?:connection (?:failed|is bad):\s*)?(?:connection to server (?:at|on socket) "[^"]*"(?:,\s*port \d+)?'
    r"\s*failed:\s*)?(?:(?:FATAL|ERROR):\s*)?",
)


def _detail(exc: BaseException) -> str:
    """The first meaningful line of a psycopg connection error, without libpq's wrapping."""
    for line in str(exc).splitlines():
        line = _PREFIXES.sub("", line.strip()).strip()
        if line:
            return " ".join(line.split())
    return type(exc).__name__


def _classify(detail: str, url: DbUrl) -> str:
    low = detail.lower()
    if "server does not support ssl" in low:
        return "ssl-unsupported"
    if "connection is insecure" in low or "ssl connection is required" in low:
        return "ssl-required"
    if "pg_hba.conf" in low:
        # "no encryption" from pg_hba means a non-TLS connection was refused; over a unix socket TLS is
        # impossible, so there it is just an access rule.
        return "ssl-required" if "no encryption" in low and not url.is_unix_socket else "auth"
    if any(s in low for s in _AUTH) or _MISSING_ROLE.search(detail):
        return "auth"
    if _MISSING_DB.search(detail):
        return "no-database"
    if any(s in low for s in _UNKNOWN_HOST):
        return "unknown-host"
    if any(s in low for s in _REFUSED):
        return "refused"
    if any(s in low for s in _COLD_START):
        return "cold-start"
    if any(s in low for s in _TIMEOUT):
        return "timeout"
    return "other"


def _failure(kind: str, detail: str, url: DbUrl, *, tries: int, waited: float) -> ConnectionFailure:
    target = url.display_target()
    user = url.user or "(default user)"
    low = detail.lower()
    attempts = f" after {tries} attempts" if tries > 1 else ""
    if kind == "auth":
        if "password authentication failed" in low:
            return ConnectionFailure(
                kind,
                f'password authentication failed for user "{user}" at {target}',
                hint="check the user and password in the database URL",
            )
        if "no password supplied" in low:
            return ConnectionFailure(
                kind,
                f'no password supplied for user "{user}" at {target}',
                hint="add ':' and the password after the user name in the database URL",
            )
        if _MISSING_ROLE.search(detail):
            return ConnectionFailure(
                kind, f"{detail} at {target}", hint="check the user name in the database URL"
            )
        if "pg_hba.conf" in low:
            return ConnectionFailure(
                kind,
                f"connection rejected by the server's pg_hba.conf at {target}: {detail}",
                hint="the server does not allow this user/database from here; ask its administrator",
            )
        return ConnectionFailure(
            kind, f"authentication failed at {target}: {detail}", hint="check the user and password"
        )
    if kind == "ssl-required":
        return ConnectionFailure(
            kind,
            f"unencrypted connection rejected by {target}: {detail}",
            hint="add sslmode=require to the database URL; Neon needs TLS, and channel_binding=require too",
        )
    if kind == "ssl-unsupported":
        mode = url.params.get("sslmode", "require")
        return ConnectionFailure(
            kind,
            f"TLS not supported by the server at {target}, but the URL requires it (sslmode={mode})",
            hint="use sslmode=prefer or disable for this server, or enable TLS on it",
        )
    if kind == "no-database":
        match = _MISSING_DB.search(detail)
        name = match["name"] if match else url.dbname
        return ConnectionFailure(
            kind,
            f'database "{name}" does not exist at {target}',
            hint="check the database name in the URL; Neon's default is neondb",
        )
    if kind == "unknown-host":
        return ConnectionFailure(
            kind,
            f"unknown host: cannot resolve the host name of {target}",
            hint="check the host in the database URL and your network/DNS",
        )
    if kind == "refused":
        if url.is_unix_socket or "no such file" in low:
            return ConnectionFailure(
                kind,
                f"no server listening on the unix socket for {target}",
                hint="is the server running? check the socket directory in host= and the port",
            )
        return ConnectionFailure(
            kind,
            f"connection refused by {target}",
            hint="is the server running and accepting TCP connections on that host and port?",
        )
    if kind == "timeout":
        tried = f" ({tries} attempts)" if tries > 1 else ""
        return ConnectionFailure(
            kind,
            f"connection to {target} timed out: no answer in {waited:.0f} s{tried}",
            hint="check the host, port and network; a waking Neon compute may need more time: connect_timeout in "
            f"neontui.toml or {CONNECT_TIMEOUT_ENV}, {DEFAULT_CONNECT_DEADLINE:g} s by default",
        )
    if kind == "cold-start":
        return ConnectionFailure(
            kind,
            f"{target} still unavailable{attempts}: {detail}",
            hint="the Neon compute may be waking up or rate-limited; wait a few seconds and try again",
        )
    return ConnectionFailure(kind, f"could not connect to {target}: {detail}")


def _delay(backoff: float, attempt: int) -> float:
    # Exponential with jitter, so several neontui processes hitting one waking compute do not retry in step.
    return min(backoff * 2 ** (attempt - 1), 30.0) * random.uniform(0.75, 1.25)


# neontui's own reads (server facts, catalogs, the ledger, pg_locks) must answer or fail, never wait forever behind
# another session's lock or a stuck server. Every session connect() opens starts with these limits; the migrator
# replaces them with the user's for the migration's own statements and restores them afterwards.
CATALOG_LOCK_TIMEOUT = "5s"
CATALOG_STATEMENT_TIMEOUT = "30s"
DEFAULT_CONNECT_DEADLINE = 15.0  # seconds for all attempts of one connect() together
CONNECT_TIMEOUT_ENV = "NEONTUI_CONNECT_TIMEOUT"  # read by neontui.core.settings, like connect_timeout in neontui.toml
_MIN_ATTEMPT_S = 2  # psycopg waits at least this long per attempt, whatever connect_timeout says


def set_timeouts(conn: psycopg.Connection, lock_timeout: str, statement_timeout: str, *, local: bool) -> None:
    """`SET [LOCAL] lock_timeout, statement_timeout` in one round trip (values are PostgreSQL durations)."""
    conn.execute("select set_config('lock_timeout', %s, %s), set_config('statement_timeout', %s, %s)",
                 (lock_timeout, local, statement_timeout, local))


@contextlib.contextmanager
def catalog_reads(conn: psycopg.Connection, url: DbUrl) -> Iterator[None]:
    """neontui's reads on a connection to `url`, under the catalog limits.

    A session connect() opened has them already, except through Neon's pooler: PgBouncer in transaction mode leaves
    a session-level SET on whichever server connection ran it, for other clients to inherit (neon.md §2), so there
    the reads run in one transaction with SET LOCAL.
    """
    if not url.is_pooled or conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        yield
        return
    with conn.transaction():
        set_timeouts(conn, CATALOG_LOCK_TIMEOUT, CATALOG_STATEMENT_TIMEOUT, local=True)
        yield


def connect(
    url: str,
    *,
    deadline: float | None = None,
    connect_timeout: float = 10,
    attempts: int = 4,
    backoff: float = 0.5,
    application_name: str = "neontui",
    autocommit: bool = True,
    on_retry: Callable[[int, str], None] | None = None,
) -> psycopg.Connection:
    """Connect with psycopg, retrying only cold-start/transient failures; raise ConnectionFailure otherwise.

    `deadline` (seconds, default DEFAULT_CONNECT_DEADLINE) bounds all attempts together: each attempt's
    `connect_timeout` is capped by what is left, and no retry is made that could not get psycopg's minimum of 2 s
    before the deadline (psycopg tries every address a host name resolves to in turn, each with the attempt's
    timeout). `on_retry(attempt, reason)` is called before each retry with the number of the attempt that just
    failed (1-based) and the masked reason. A connect_timeout or application_name in the URL wins over the
    arguments: it is the user's explicit choice, and one attempt always gets all of that connect_timeout. The
    session starts with the catalog limits (see catalog_reads for the pooler).
    """
    parsed = parse_url(url)
    deadline = DEFAULT_CONNECT_DEADLINE if deadline is None else deadline
    per_attempt = float(connect_timeout)
    if "connect_timeout" in parsed.params:
        try:
            per_attempt = float(parsed.params["connect_timeout"])
        except ValueError:
            raise ConfigError(
                f'invalid connect_timeout "{parsed.params["connect_timeout"]}" in the database URL',
                hint="use a number of seconds",
            ) from None
        # libpq reads 0 (or less) as "wait forever": the deadline still ends it.
        deadline = max(deadline, per_attempt) if per_attempt > 0 else deadline
        per_attempt = per_attempt if per_attempt > 0 else deadline
    kwargs: dict[str, str | int] = {}
    if "application_name" not in parsed.params:
        kwargs["application_name"] = application_name

    started = time.monotonic()
    attempts = max(1, attempts)
    for attempt in range(1, attempts + 1):
        left = deadline - (time.monotonic() - started)
        # libpq takes whole seconds only; the kwarg overrides the URL's own value, already folded in above.
        kwargs["connect_timeout"] = max(1, min(math.ceil(per_attempt), math.floor(left)))
        try:
            conn = psycopg.connect(parsed.raw, autocommit=autocommit, **kwargs)
        except psycopg.Error as exc:
            # `from None` everywhere: the message carries the detail, and the chained psycopg error is
            # one more place a URL could be printed from.
            detail = redact(_detail(exc))
            kind = _classify(detail, parsed)
            pause = _delay(backoff, attempt)
            out_of_time = time.monotonic() - started + pause + _MIN_ATTEMPT_S > deadline
            if kind not in ("cold-start", "timeout") or attempt == attempts or out_of_time:
                raise _failure(kind, detail, parsed, tries=attempt, waited=time.monotonic() - started) from None
            if on_retry is not None:
                on_retry(attempt, detail)
            time.sleep(pause)
            continue
        if not parsed.is_pooled:
            try:
                set_timeouts(conn, CATALOG_LOCK_TIMEOUT, CATALOG_STATEMENT_TIMEOUT, local=False)
                if not autocommit:
                    conn.commit()  # a session setting, not the start of the caller's transaction
            except psycopg.Error as exc:
                conn.close()
                raise ConnectionFailure("other", f"could not set up the session on {parsed.display_target()}: "
                                                 f"{redact(_detail(exc))}") from None
        return conn
    raise AssertionError("unreachable")  # the loop always returns or raises


def server_info(conn: psycopg.Connection, url: DbUrl | None = None) -> ServerInfo:
    """Version, database, user and whether this is Neon, in one round trip.

    Neon detection: the host name, or any registered `neon.*` setting. pg_settings lists only settings of
    loaded modules (a placeholder made by `SET neon.x = …` on plain PostgreSQL does not appear there), and
    Neon preloads its `neon` module on every compute.
    """
    was_idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    try:
        with conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(
                "SELECT current_setting('server_version_num')::int, current_setting('server_version'),"
                " current_database(), current_user,"
                " EXISTS (SELECT 1 FROM pg_catalog.pg_settings WHERE name LIKE 'neon.%'),"
                # Not every role may read the control file; asking first keeps the query from failing.
                " CASE WHEN has_function_privilege('pg_catalog.pg_control_system()', 'execute')"
                " THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END,"
                " current_setting('neon.tenant_id', true), current_setting('neon.timeline_id', true)"
            )
            row = cur.fetchone()
        if not conn.autocommit and was_idle:
            conn.rollback()  # leave the connection as we found it: no transaction left open by us
    except psycopg.Error as exc:
        target = url.display_target() if url else "the server"
        raise ConnectionFailure(
            "other", f"could not read server information from {target}: {_detail(exc)}"
        ) from None
    assert row is not None
    version_num, version, database, user, has_neon_settings, system_identifier, tenant, timeline = row
    host_is_neon = url.is_neon if url is not None else _is_neon_host(conn.info.host)
    return ServerInfo(
        version_num=int(version_num),
        version=str(version).split()[0],
        database=database,
        user=user,
        is_neon=bool(has_neon_settings or host_is_neon),
        host=conn.info.host or None,
        hostaddr=conn.info.hostaddr or None,
        port=conn.info.port or None,
        system_identifier=system_identifier,
        neon_timeline=f"{tenant}/{timeline}" if tenant and timeline else None,
    )
