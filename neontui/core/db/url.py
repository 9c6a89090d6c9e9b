"""Database URLs: the one place that parses a PostgreSQL URL (neontui.core.db.connect opens the connections).

This module imports no database driver: the console's first frame and the policy parse URLs without loading
psycopg. The parser follows libpq's URI grammar (libpq is what finally connects), so what we show and derive is what
libpq will use. Neon hosts are recognised by name only (docs/compatibility.md#neon-hosts): the pooled host is the
direct host with `-pooler` on its first DNS label, and the other form is derived by toggling that suffix in the original
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

    user_raw, password_raw, pos = _read_userinfo(text, len(scheme))
    netloc_hosts, netloc_ports, pos = _read_hosts(text, pos)
    path_raw, path_span, has_path, pos = _read_path(text, pos)
    _refuse_unencoded_at(netloc_hosts, user_raw, path_raw)
    params, query_hosts, dbname_param = _read_query(text, pos)

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


def _read_userinfo(text: str, pos: int) -> tuple[str | None, str | None, int]:
    """The raw user and password before the hosts, and where the hosts start. Like libpq, look ahead for '@' but
    stop at the first '/'."""
    at, slash = text.find("@", pos), text.find("/", pos)
    if at == -1 or (slash != -1 and at > slash):
        return None, None, pos
    user_raw, colon, password_raw = text[pos:at].partition(":")
    if not colon:
        return user_raw, None, at + 1
    # Register first, so every message from here on (ours and libpq's) is masked.
    remember_secret(password_raw)
    return user_raw, password_raw, at + 1


def _read_hosts(text: str, pos: int) -> tuple[list[_HostRef], list[str], int]:
    """The comma-separated host[:port] list (IPv6 literals in brackets): the hosts with their spans, the raw
    ports ("" where none is written), and where the list ends."""
    n = len(text)
    hosts: list[_HostRef] = []
    ports: list[str] = []
    while True:
        if pos < n and text[pos] == "[":
            close = text.find("]", pos)
            if close == -1:
                raise ConfigError("the database URL has an IPv6 host without the closing ']'")
            if close == pos + 1:
                raise ConfigError("the database URL has an empty IPv6 host '[]'")
            raw_host, start, end, pos = text[pos + 1 : close], pos + 1, close, close + 1
            if pos < n and text[pos] not in ":/?,":
                raise ConfigError("the database URL has unexpected text after the IPv6 host's ']'")
        else:
            match = _HOST_END.search(text, pos)
            start, end = pos, match.start() if match else n
            raw_host, pos = text[start:end], end
        hosts.append(_HostRef(start, end, raw_host))
        if pos < n and text[pos] == ":":
            match = _PORT_END.search(text, pos + 1)
            end = match.start() if match else n
            ports.append(text[pos + 1 : end])
            pos = end
        else:
            ports.append("")
        if pos < n and text[pos] == ",":
            pos += 1
            continue
        return hosts, ports, pos


def _read_path(text: str, pos: int) -> tuple[str, tuple[int, int], bool, int]:
    """The raw database name after '/', its span, whether there is a '/' at all, and where the query starts."""
    if pos < len(text) and text[pos] == "/":
        qmark = text.find("?", pos)
        end = qmark if qmark != -1 else len(text)
        return text[pos + 1 : end], (pos + 1, end), True, end
    return "", (pos, pos), False, pos


def _refuse_unencoded_at(hosts: list[_HostRef], user_raw: str | None, path_raw: str) -> None:
    """libpq splits userinfo at the first '@' and ends it at the first '/', so an unencoded '@' or '/' in a
    password silently turns part of it into a host, port or database name. Catch that before any message could
    echo those parts."""
    if any("@" in ref.host for ref in hosts):
        raise ConfigError(
            "the database URL contains more than one '@' before the host",
            hint="percent-encode '@' in the user or password as %40",
        )
    if user_raw is None and "@" in path_raw:
        raise ConfigError(
            "the database URL has an '@' after the first '/'",
            hint="percent-encode '/' in the user or password as %2F, and '@' in a database name as %40",
        )


def _read_query(text: str, pos: int) -> tuple[dict[str, str], list[_HostRef] | None, tuple[int, int] | None]:
    """The decoded query parameters, the spans of the hosts in ?host= (None without one), and the span of the
    ?dbname= value (None without one)."""
    n = len(text)
    params: dict[str, str] = {}
    query_hosts: list[_HostRef] | None = None
    dbname_param: tuple[int, int] | None = None
    if pos >= n or text[pos] != "?":
        return params, query_hosts, dbname_param
    offset = pos + 1
    for chunk in text[offset:].split("&"):
        chunk_start, offset = offset, offset + len(chunk) + 1
        if not chunk:
            if chunk_start >= n:
                break  # a trailing '&' (or a bare '?') is accepted by libpq
            raise ConfigError("the database URL has an empty query parameter ('&&' or '?&')")
        key_raw, eq, value_raw = chunk.partition("=")
        key = _decode(key_raw, "a query parameter name")
        params[key] = _query_value(key, eq, value_raw)
        value_start = chunk_start + len(key_raw) + 1
        if key == "dbname":
            dbname_param = (value_start, chunk_start + len(chunk))
        if key == "host":
            # libpq splits the decoded value on ','; split the raw text so each host keeps its own span.
            query_hosts = []
            for part in value_raw.split(","):
                query_hosts.append(_HostRef(value_start, value_start + len(part), part))
                value_start += len(part) + 1
    return params, query_hosts, dbname_param


def _query_value(key: str, eq: str, value_raw: str) -> str:
    """The decoded value of query parameter `key` (`eq` is "" when the chunk has no '=')."""
    if key.lower() == "password":
        remember_secret(value_raw)
    if not eq:
        raise ConfigError(f'query parameter "{key}" in the database URL has no value', hint=f"write {key}=value")
    if "=" in value_raw:
        raise ConfigError(
            f'query parameter "{key}" in the database URL contains an unencoded "="',
            hint="percent-encode it as %3D, e.g. options=endpoint%3Dep-…",
        )
    return _decode(value_raw, "the password" if key.lower() == "password" else f'parameter "{key}"')


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
    return host is not None and not host.startswith(("/", "@")) and host.lower().endswith(_NEON_SUFFIX)


def _is_pooled_host(host: str) -> bool:
    return host.split(".", 1)[0].lower().endswith(_POOLER)


def _toggle_pooler(host: str, *, pooled: bool) -> str:
    """docs/compatibility.md#neon-hosts: add or remove `-pooler` on the first label only."""
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
