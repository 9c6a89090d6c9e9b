"""Database URLs and connections: the one place that parses a PostgreSQL URL and opens a psycopg connection.

This module imports no database driver: the console's first frame and the policy parse URLs without loading
psycopg. The parser follows libpq's URI grammar (libpq is what finally connects), so what we show and derive is what
libpq will use. Neon hosts are recognised by name only (neon.md §1.1): the pooled host is the direct host
with `-pooler` on its first DNS label, and the other form is derived by toggling that suffix in the original
string, never by rebuilding the host from a region.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote, unquote

from neontui.core.errors import ConfigError
from neontui.core.redact import MASK, redact, remember_secret

_SCHEMES = ("postgresql://", "postgres://")
_NEON_SUFFIX = ".neon.tech"
_POOLER = "-pooler"
DEFAULT_PORT = 5432
EXAMPLE_URL = "postgresql://user:password@host:5432/dbname"

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
        return is_neon_host(self.host)

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
            where = f"{where}:{self.port or DEFAULT_PORT}"
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
        raise ConfigError("the database URL is empty", hint=f"set it to {EXAMPLE_URL}")
    lead = len(url) - len(url.lstrip())
    text = url.strip()
    scheme = next((s for s in _SCHEMES if text.startswith(s)), None)
    if scheme is None:
        raise ConfigError(_not_a_url_message(text), hint=f"use a URL like {EXAMPLE_URL}")

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
    if not is_neon_host(host):
        return None
    first = (host or "").split(".", 1)[0]
    return first[: -len(_POOLER)] if first.lower().endswith(_POOLER) else first


def is_neon_host(host: str | None) -> bool:
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
        if is_neon_host(ref.host):
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
