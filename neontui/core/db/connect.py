"""Connecting with psycopg: bounded waits (one deadline for every attempt, catalog-read timeouts), cold-start
retries, one-line failures, and the server's facts and identity."""

from __future__ import annotations

import contextlib
import math
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.rows import tuple_row

from neontui.core.db.limits import (
    CATALOG_LOCK_TIMEOUT,
    CATALOG_STATEMENT_TIMEOUT,
    CONNECT_TIMEOUT_ENV,
    DEFAULT_CONNECT_DEADLINE,
)
from neontui.core.db.url import DEFAULT_PORT, EXAMPLE_URL, DbUrl, is_neon_host, neon_endpoint_id, parse_url
from neontui.core.errors import ConfigError, ConnectionFailure
from neontui.core.redact import redact


def vet_url(url: DbUrl) -> None:
    """Let libpq itself vet the URL (unknown parameters, anything the grammar missed) before connecting, so a bad
    URL fails with a clear line rather than libpq's own wording mid-connect."""
    try:
        pg_conninfo.conninfo_to_dict(url.raw)
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError(f"invalid database URL: {detail}", hint=f"use a URL like {EXAMPLE_URL}") from None


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
            facts.append(("address", f"{self.hostaddr or self.host}:{self.port or DEFAULT_PORT}"))
        return ServerIdentity(self.database, tuple(facts))


# Lower-case fragments of errors worth retrying (docs/compatibility.md#neon-cold-starts): the compute is waking up
# or the proxy is rate-limiting. Timeouts are retried too but reported as "timeout" if they persist.
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


def _auth_failure(detail: str, user: str, target: str) -> ConnectionFailure:
    """The server refused who we are: a wrong password, none given, an unknown role, or pg_hba.conf."""
    kind, low = "auth", detail.lower()
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


def _failure(kind: str, detail: str, url: DbUrl, *, tries: int, waited: float) -> ConnectionFailure:
    target = url.display_target()
    low = detail.lower()
    attempts = f" after {tries} attempts" if tries > 1 else ""
    if kind == "auth":
        return _auth_failure(detail, url.user or "(default user)", target)
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


_MIN_ATTEMPT_S = 2  # psycopg waits at least this long per attempt, whatever connect_timeout says


def set_timeouts(conn: psycopg.Connection, lock_timeout: str, statement_timeout: str, *, local: bool) -> None:
    """`SET [LOCAL] lock_timeout, statement_timeout` in one round trip (values are PostgreSQL durations)."""
    conn.execute("select set_config('lock_timeout', %s, %s), set_config('statement_timeout', %s, %s)",
                 (lock_timeout, local, statement_timeout, local))


@contextlib.contextmanager
def catalog_reads(conn: psycopg.Connection, url: DbUrl) -> Iterator[None]:
    """neontui's reads on a connection to `url`, under the catalog limits.

    A session connect() opened has them already, except through Neon's pooler: PgBouncer in transaction mode leaves
    a session-level SET on whichever server connection ran it, for other clients to inherit
    (docs/compatibility.md#neon-pooler), so there the reads run in one transaction with SET LOCAL.
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
    vet_url(parsed)
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
    kwargs: dict[str, Any] = {}  # libpq parameters, passed through psycopg.connect's **kwargs
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


@contextlib.contextmanager
def left_as_found(conn: psycopg.Connection) -> Iterator[bool]:
    """Read on `conn` and leave it as it was: a transaction that only these reads opened is rolled back on success
    (on an error the caller reports it, and the connection stays as the error left it). Yields whether a
    transaction was already open, for reads whose answer depends on it (cached statistics snapshots)."""
    in_transaction = conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    yield in_transaction
    if not conn.autocommit and not in_transaction:
        conn.rollback()


def server_info(conn: psycopg.Connection, url: DbUrl | None = None) -> ServerInfo:
    """Version, database, user and whether this is Neon, in one round trip.

    Neon detection: the host name, or any registered `neon.*` setting. pg_settings lists only settings of
    loaded modules (a placeholder made by `SET neon.x = …` on plain PostgreSQL does not appear there), and
    Neon preloads its `neon` module on every compute.
    """
    try:
        with left_as_found(conn), conn.cursor(row_factory=tuple_row) as cur:
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
    except psycopg.Error as exc:
        target = url.display_target() if url else "the server"
        raise ConnectionFailure(
            "other", f"could not read server information from {target}: {_detail(exc)}"
        ) from None
    assert row is not None
    version_num, version, database, user, has_neon_settings, system_identifier, tenant, timeline = row
    host_is_neon = url.is_neon if url is not None else is_neon_host(conn.info.host)
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
