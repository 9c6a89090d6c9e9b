"""Lock-blocker precheck: who would make the migration wait, or be stuck behind it, before it starts.

A migration's ALTER TABLE needs an ACCESS EXCLUSIVE lock; it queues behind every session holding any lock on the
table (an idle-in-transaction session that once ran a SELECT is enough), and while it waits every new query on
that table queues behind it. So before a run we list, for the tables the pending SQL touches, the other sessions
that hold or wait for locks on them, plus every long-open transaction in the database (it may touch the tables
next, and it keeps old row versions alive).

Visibility: pg_locks shows every session, but pg_stat_activity hides the query, state and transaction start of
other roles' sessions unless the current role has pg_read_all_stats; those fields are then None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from neontui.core.db.connect import left_as_found
from neontui.core.db.lock_modes import rank
from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.redact import redact

__all__ = ["Blocker", "ReadTimedOut", "catalog_failure", "describe", "find_blockers"]

QUERY_CHARS = 200
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout fired
QUERY_CANCELED = "57014"  # statement_timeout fired, or a cancel request (told apart by the message)


@dataclass(frozen=True)
class Blocker:
    pid: int
    user: str | None
    application: str | None
    state: str | None  # pg_stat_activity.state: "active", "idle in transaction", …
    query: str  # the session's current or last query: one line, redacted, at most QUERY_CHARS characters
    xact_age_s: float | None  # how long its transaction has been open
    relation: str | None  # "schema.table"; None for a session reported only for its long transaction
    mode: str | None  # lock mode(s), strongest first: "AccessShareLock", "RowExclusiveLock, AccessShareLock"
    granted: bool  # holds the lock (True) or waits for it (False); True for long-transaction-only entries


# ----------------------------------------------------------------------------------------------------
# Who holds or waits for locks on them


# Locks on the tables (in this database: relation oids repeat across databases), then long transactions. Ages come
# from clock_timestamp(): now() would be the start of our own transaction.
_QUERY = """
WITH targets AS (
    SELECT c.oid, n.nspname, c.relname
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN unnest(%(schemas)s::text[], %(names)s::text[]) AS t(nspname, relname)
      ON t.nspname = n.nspname AND t.relname = c.relname
), this_db AS (
    SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()
)
SELECT l.pid, a.usename, a.application_name, a.state, a.query,
       EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8,
       t.nspname || '.' || t.relname, l.mode, l.granted
FROM pg_catalog.pg_locks l
JOIN targets t ON t.oid = l.relation
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM this_db) AND l.pid <> pg_backend_pid()
UNION ALL
SELECT a.pid, a.usename, a.application_name, a.state, a.query,
       EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8,
       NULL, NULL, true
FROM pg_catalog.pg_stat_activity a
WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
  AND a.xact_start IS NOT NULL
  AND clock_timestamp() - a.xact_start > make_interval(secs => %(long_s)s)
"""


def find_blockers(
    conn: psycopg.Connection, tables: Iterable[tuple[str, str]], *, long_transaction_s: float = 60
) -> list[Blocker]:
    """Other sessions holding or waiting for locks on `tables`, and sessions whose transaction is older than
    `long_transaction_s`; one entry per (session, table, granted), oldest transaction first."""
    pairs = sorted(set(tables))
    params = {
        "schemas": [schema for schema, _ in pairs],
        "names": [name for _, name in pairs],
        "long_s": float(long_transaction_s),
    }
    try:
        with left_as_found(conn) as in_transaction, conn.cursor(row_factory=tuple_row) as cur:
            if in_transaction:
                # pg_stat_activity is read once per transaction and then cached: drop that copy, or a caller
                # inside a transaction would see the sessions as they were when it began.
                cur.execute("SELECT pg_catalog.pg_stat_clear_snapshot()")
            cur.execute(_QUERY, params)
            rows = cur.fetchall()
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise NeontuiError(f"could not list lock blockers: {detail}") from None

    merged: dict[tuple[int, str | None, bool], dict[str, Any]] = {}
    for pid, user, application, state, query, age, relation, mode, granted in rows:
        key = (int(pid), relation, bool(granted))
        entry = merged.setdefault(key, {
            "pid": int(pid), "user": user, "application": application or None, "state": state,
            "query": _one_line(query), "xact_age_s": float(age) if age is not None else None,
            "relation": relation, "modes": set(), "granted": bool(granted),
        })
        if mode:
            entry["modes"].add(mode)
    # A session already listed for a lock is not listed again for its long transaction.
    with_lock = {pid for pid, relation, _ in merged if relation is not None}
    blockers = [
        Blocker(
            pid=e["pid"], user=e["user"], application=e["application"], state=e["state"], query=e["query"],
            xact_age_s=e["xact_age_s"], relation=e["relation"], mode=_mode_text(e["modes"]), granted=e["granted"],
        )
        for (pid, relation, _), e in merged.items()
        if relation is not None or pid not in with_lock
    ]
    # Oldest transaction first; sessions without a visible transaction start last.
    blockers.sort(key=lambda b: (b.xact_age_s is None, -(b.xact_age_s or 0.0), b.pid, b.relation or "", b.granted))
    return blockers


def _mode_text(modes: set[str]) -> str | None:
    if not modes:
        return None
    return ", ".join(sorted(modes, key=lambda m: (rank(m), m)))


def _one_line(query: str | None) -> str:
    # Redact the whole text before cutting it: a cut could split a password so that it no longer matches.
    text = redact(" ".join((query or "").split()))
    return text if len(text) <= QUERY_CHARS else text[: QUERY_CHARS - 1] + "…"


def _seconds(age: float) -> str:
    return f"{age:.1f} s" if age < 10 else f"{age:.0f} s"


def describe(blocker: Blocker) -> str:
    """One line, e.g. "pid 123 (app psql, user bob) idle in transaction for 42 s holding AccessShareLock on
    public.users: SELECT …"."""
    who = ", ".join(part for part in (
        f"app {blocker.application}" if blocker.application else None,
        f"user {blocker.user}" if blocker.user else None,
    ) if part)
    text = f"pid {blocker.pid}" + (f" ({who})" if who else "")
    state = blocker.state or "state unknown"
    if blocker.xact_age_s is not None:
        # The age is the transaction's, so say so when the state alone does not.
        age = _seconds(blocker.xact_age_s)
        text += f" {state} for {age}" if "transaction" in state else f" {state}, transaction open for {age}"
    else:
        text += f" {state}"
    if blocker.relation is not None:
        verb = "holding" if blocker.granted else "waiting for"
        text += f" {verb} {blocker.mode or 'a lock'} on {blocker.relation}"
    if blocker.query:
        text += f": {blocker.query}"
    return redact(text)


# ----------------------------------------------------------------------------------------------------
# When one of neontui's own reads gave up waiting


class ReadTimedOut(NeontuiError):
    """A read of neontui's own (the ledger, the catalogs) hit its lock_timeout or statement_timeout: nothing was
    changed, and the same command can simply be run again."""

    exit_code = ExitCode.RETRY


def catalog_failure(conn: psycopg.Connection, error: psycopg.Error, what: str,
                    tables: Iterable[tuple[str, str]] = ()) -> NeontuiError:
    """The one-line error for `error` from a query that was to `what` ("read the ledger …"): for a lock or
    statement timeout a ReadTimedOut naming the sessions that hold or wait for locks on `tables` (and long
    transactions); otherwise a plain NeontuiError with the server's first line."""
    detail = " ".join((str(error).strip().splitlines() or [type(error).__name__])[0].split())
    timed_out = error.sqlstate == LOCK_NOT_AVAILABLE or (
        error.sqlstate == QUERY_CANCELED and "statement timeout" in detail)
    if not timed_out:
        return NeontuiError(f"cannot {what}: {detail}")
    setting = "lock_timeout" if error.sqlstate == LOCK_NOT_AVAILABLE else "statement_timeout"
    try:
        if not conn.autocommit:
            conn.rollback()  # the failed statement aborted the transaction; nothing of ours was in it
        row = conn.execute("select current_setting(%s)", (setting,)).fetchone()
        assert row is not None  # current_setting() returns exactly one row
        limit = row[0]
        found = find_blockers(conn, tables)
    except (psycopg.Error, NeontuiError):
        # Inside a caller's transaction, which the error aborted: who blocked us cannot be asked here.
        return ReadTimedOut(f"cannot {what}: {detail}", hint="retry; another session holds a lock it needs")
    # Holders before waiters: the session that holds the lock is the one to wait for (or end).
    named = sorted(found, key=lambda b: not b.granted)[:3]
    who = "; ".join(describe(b) for b in named)
    if setting == "statement_timeout":
        return ReadTimedOut(f"cannot {what}: no answer within statement_timeout = {limit}"
                            + (f"; other sessions: {who}" if who else ""),
                            hint="the server may be overloaded or the catalogs locked; retry")
    holder = next((b.pid for b in named if b.granted), None)
    end = f", or end it: SELECT pg_terminate_backend({holder})" if holder is not None else ""
    return ReadTimedOut(f"cannot {what}: waited lock_timeout = {limit} for a lock, blocked by "
                        f"{who or 'a session that has already gone'}", hint=f"retry when it has finished{end}")
