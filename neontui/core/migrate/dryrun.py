"""Dry run: the pending batch in one transaction that is always rolled back.

Per statement it reports the duration, the locks the statement took (from pg_locks of our own backend), whether
a table was rewritten (its relfilenode changed), the rows affected, and the first error with its place in the
file. Statements that cannot run inside a transaction are not run; the report says so. The ledger bookkeeping
(schema, table, rows; for a drizzle 1.0 folder layout its table, or its in-place upgrade of a 0.x one) happens inside
the same transaction, so nothing at all persists (sequence values aside). A folder that drizzle-kit 1.0 refuses, or
a 0.x ledger it could not upgrade, is refused as the real run refuses it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from neontui.core.db.connect import set_timeouts
from neontui.core.drizzle.journal import Journal, check_nul_bytes
from neontui.core.drizzle.ledger import read_ledger
from neontui.core.drizzle.pending import pending_entries
from neontui.core.migrate.migrator import (
    MigrateOptions,
    MigrationFailed,
    PlanReady,
    StatementStarted,
    acquire_lock,
    check_runnable,
    ensure_ledger,
    release_lock,
)
from neontui.core.migrate.observe import own_locks, relfilenodes, rewritten, statement_tables
from neontui.core.migrate.plan import PlannedStatement, build_plan

DEFAULT_LOCK_TIMEOUT = "2s"  # short: a dry run on production takes real locks


@dataclass
class DryStatement:
    tag: str
    statement: int
    summary: str
    elapsed: float | None = None
    locks: list[tuple[str, str]] = field(default_factory=list)  # (relation, mode) newly taken by this statement
    rewritten: list[str] = field(default_factory=list)  # relations whose relfilenode changed
    rows: int | None = None
    skipped: str | None = None  # why it was not run

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "statement": self.statement, "sql": self.summary,
                "elapsed_s": None if self.elapsed is None else round(self.elapsed, 4),
                "locks": [{"relation": r, "mode": m} for r, m in self.locks], "rewritten": self.rewritten,
                "rows": self.rows, "skipped": self.skipped}


@dataclass
class DryRunReport:
    migrations: list[str]
    statements: list[DryStatement]
    error: MigrationFailed | None
    lock_timeout: str
    duration: float

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {"migrations": self.migrations, "ok": self.ok, "lock_timeout": self.lock_timeout,
                "duration_s": round(self.duration, 4), "statements": [s.to_json() for s in self.statements],
                "error": None if self.error is None else {**self.error.to_json(), "text": self.error.one_line()},
                "rolled_back": True}


def dry_run(conn: psycopg.Connection, journal: Journal, schema: str, table: str, *,
            lock_timeout: str = DEFAULT_LOCK_TIMEOUT, statement_timeout: str = "0",
            lock_wait: float = 10.0, on_event: Callable[[object], None] | None = None) -> DryRunReport:
    """Run the pending batch inside a transaction and roll it back, whatever happens; the batch runs with
    `lock_timeout` and `statement_timeout`, neontui's own reads with the session's catalog limits. `on_event` gets
    the migrator's PlanReady (the statements that will run) and a StatementStarted per statement, for progress."""
    emit = on_event or (lambda _e: None)
    check_nul_bytes(journal.entries)  # before the lock: a file PostgreSQL cannot receive is refused, not run
    check_runnable(journal)
    started = time.monotonic()
    acquire_lock(conn, schema, table, lock_wait)  # never race a real run on the same ledger
    statements: list[DryStatement] = []
    error: MigrationFailed | None = None
    tags: list[str] = []
    try:
        # Before the transaction: a read that gives up (a locked ledger) can still name the session in the way.
        ledger = read_ledger(conn, schema, table)
        conn.execute("BEGIN")
        # Inside the transaction: a fresh database keeps no ledger, an upgraded 0.x one is rolled back too.
        ensure_ledger(conn, schema, table, journal, MigrateOptions(lock_timeout=lock_timeout,
                                                                    statement_timeout=statement_timeout))
        set_timeouts(conn, lock_timeout, statement_timeout, local=True)
        batch = pending_entries(journal, ledger)  # read before the upgrade: pending_entries predicts it
        tags = [m.tag for m in batch]
        plan = build_plan(batch, server_version=conn.info.server_version)
        emit(PlanReady(sum(len(step.statements) for step in plan.steps if step.transactional)))
        for step in plan.steps:
            for planned in step.statements:
                entry = DryStatement(planned.tag, planned.index, planned.summary)
                statements.append(entry)
                if not step.transactional:
                    entry.skipped = "cannot run inside the dry-run transaction; a real run executes it as its own step"
                    continue
                emit(StatementStarted(planned.tag, planned.index, planned.summary, True))
                error = _run(conn, planned, entry)
                if error is not None:
                    break
            if error is not None:
                break
    finally:
        if not conn.broken and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.execute("ROLLBACK")
        release_lock(conn, schema, table)
    return DryRunReport(tags, statements, error, lock_timeout, time.monotonic() - started)


def _run(conn: psycopg.Connection, planned: PlannedStatement, entry: DryStatement) -> MigrationFailed | None:
    tables = statement_tables(planned)
    before_locks = own_locks(conn)
    before_files = relfilenodes(conn, tables)
    started = time.monotonic()
    try:
        cursor = conn.execute(planned.sql.encode("utf-8"))
    except psycopg.Error as exc:  # the first error ends the dry run; the transaction is rolled back anyway
        entry.elapsed = time.monotonic() - started
        return MigrationFailed(planned, exc, transactional=True)
    entry.elapsed = time.monotonic() - started
    entry.rows = cursor.rowcount if cursor.rowcount >= 0 else None
    entry.locks = sorted(own_locks(conn) - before_locks)
    entry.rewritten = rewritten(before_files, relfilenodes(conn, tables))
    return None
