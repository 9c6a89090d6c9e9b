"""Apply pending migrations exactly as drizzle-orm's migrator would leave the database
(docs/compatibility.md#drizzle-migrator), plus what drizzle lacks: a session advisory lock against concurrent runs, lock
and statement timeouts, a plan for statements that cannot run in a transaction, per-statement progress and timings, and
errors that name the file, statement, line and column.

Same bookkeeping DDL, same pending rule, same ledger rows, so `drizzle-kit migrate` and neontui can be mixed freely:
for a 0.x journal drizzle-orm 0.45's (hash, created_at = journal `when`, never `name`, even in a 1.0 table); for a 1.0
folder layout drizzle-orm 1.0.0-rc.5's (the v1 table, its in-place upgrade of a 0.x table, then hash, created_at =
folderMillis, name = the folder), after refusing what `drizzle-kit migrate` 1.0 refuses before it connects.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from neontui.core.db.blockers import Blocker, catalog_failure, describe, find_blockers
from neontui.core.db.connect import connect, set_timeouts
from neontui.core.db.url import parse_url
from neontui.core.drizzle.folders import MIGRATION_FILE
from neontui.core.drizzle.journal import Journal, Migration, check_nul_bytes
from neontui.core.drizzle.ledger import Ledger, read_ledger, require_writable, table_identifier
from neontui.core.drizzle.pending import V1Upgrade, name_pending, pending_entries, predict_v1_upgrade
from neontui.core.errors import ConfigError, ExitCode, NeontuiError
from neontui.core.migrate.observe import Observer
from neontui.core.migrate.plan import Plan, PlannedStatement, Step, build_plan
from neontui.core.sql.positions import line_column
from neontui.core.sql.statements import touched_tables

LOCK_TIMEOUT_SQLSTATE = "55P03"


@dataclass(frozen=True)
class MigrateOptions:
    lock_timeout: str = "5s"  # SET LOCAL lock_timeout in every transaction; "0" disables
    statement_timeout: str = "0"  # SET LOCAL statement_timeout; "0" (default) disables
    lock_wait: float = 10.0  # seconds to wait for another run's advisory lock
    per_migration: bool = False  # one transaction per migration instead of drizzle's one for everything
    application_name: str = "neontui migrate"


DEFAULT_OPTIONS = MigrateOptions()


# --- progress events (the console renders them; the CLI prints them) ------------------------------------------

@dataclass(frozen=True)
class PlanReady:
    """The batch is planned, before its first statement: `total` statements will run (a progress bar's end)."""

    total: int


@dataclass(frozen=True)
class StatementStarted:
    tag: str
    statement: int
    summary: str
    transactional: bool


@dataclass(frozen=True)
class StatementFinished:
    tag: str
    statement: int
    elapsed: float
    rows: int | None


@dataclass(frozen=True)
class MigrationApplied:
    tag: str
    elapsed: float


Event = PlanReady | StatementStarted | StatementFinished | MigrationApplied
EventHandler = Callable[[Event], None]


@dataclass
class StatementTiming:
    statement: int
    elapsed: float
    rows: int | None


@dataclass
class MigrationTiming:
    tag: str
    elapsed: float = 0.0
    statements: list[StatementTiming] = field(default_factory=list)


@dataclass
class MigrateReport:
    applied: list[str]
    plan: Plan
    timings: list[MigrationTiming]
    duration: float
    lock_waited: float

    def to_json(self) -> dict[str, Any]:
        return {"applied": self.applied, "duration_s": round(self.duration, 4),
                "lock_waited_s": round(self.lock_waited, 4), "plan": self.plan.to_json(with_sql=False),
                "migrations": [{"tag": t.tag, "elapsed_s": round(t.elapsed, 4),
                                "statements": [{"statement": s.statement, "elapsed_s": round(s.elapsed, 4),
                                                "rows": s.rows} for s in t.statements]} for t in self.timings]}


# --- errors -------------------------------------------------------------------------------------------------

class MigrationLocked(NeontuiError):
    """Another run holds the ledger's advisory lock."""

    exit_code = ExitCode.RETRY

    def __init__(self, holder: str, waited: float) -> None:
        super().__init__(f"another migration is running ({holder}); waited {waited:.1f} s",
                         hint="retry when it has finished")


class PendingChanged(NeontuiError):
    """What is pending now is not the batch that was reviewed (another run applied something meanwhile)."""

    exit_code = ExitCode.RETRY


def check_reviewed(batch: list[Migration], expect: list[str] | None) -> None:
    """Under the lock: raise PendingChanged (nothing runs) unless what is pending is the batch that was reviewed."""
    if expect is not None and [m.tag for m in batch] != expect:
        raise PendingChanged(f"the pending migrations changed since they were reviewed: now "
                             f"{[m.tag for m in batch] or 'nothing'}, reviewed {expect or 'nothing'}",
                             hint="review the new pending set and run again")


class MigrationFailed(NeontuiError):
    """A statement failed; `committed` lists migrations that earlier, already committed steps applied."""

    exit_code = ExitCode.FAILED

    def __init__(self, statement: PlannedStatement, error: psycopg.Error | None, *, message: str | None = None,
                 committed: list[str] | None = None, transactional: bool = True,
                 extra: str | None = None) -> None:
        self.tag, self.statement = statement.tag, statement.index
        self.sqlstate = error.sqlstate if error is not None else None
        diag = error.diag if error is not None else None
        self.server_message = message or (diag.message_primary if diag and diag.message_primary else str(error))
        self.detail = diag.message_detail if diag else None
        self.server_hint = diag.message_hint if diag else None
        self.line, self.column = _position(statement, diag.statement_position if diag else None)
        self.committed = committed or []
        where = f"{statement.tag} statement {statement.index} (line {self.line}, column {self.column})"
        state = f" [SQLSTATE {self.sqlstate}]" if self.sqlstate else ""
        outcome = ("the transaction was rolled back" if transactional else
                   "it ran outside a transaction: check what it left behind")
        if self.committed:
            outcome += f"; already committed by earlier steps: {', '.join(self.committed)}"
        parts = [f"{where} failed: {self.server_message}{state}"]
        parts += [f"detail: {self.detail}"] if self.detail else []
        parts += [extra] if extra else []
        parts.append(outcome)
        super().__init__("; ".join(parts), hint=self.server_hint)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "statement": self.statement, "line": self.line, "column": self.column,
                "sqlstate": self.sqlstate, "message": self.server_message, "detail": self.detail,
                "hint": self.server_hint, "committed": self.committed, "retryable": self.exit_code == ExitCode.RETRY}


class LockTimeout(MigrationFailed):
    """lock_timeout fired: nothing was applied by this step; the run can be retried."""

    exit_code = ExitCode.RETRY

    def __init__(self, statement: PlannedStatement, error: psycopg.Error, blockers: list[Blocker], timeout: str,
                 committed: list[str]) -> None:
        self.blockers = blockers
        named = "; ".join(describe(b) for b in blockers[:3]) or "the blocking session has already gone"
        super().__init__(statement, error, message=f"lock timeout: waited {timeout} for a lock",
                         committed=committed, extra=f"blocked by {named}; retry when it has finished")


def _position(statement: PlannedStatement, position: str | None) -> tuple[int, int]:
    """Line and column in the file of the server's error position (1-based, in characters of `sql`)."""
    text = statement.migration.text or ""
    offset = statement.offset
    if position and position.isdigit():
        offset += int(position) - 1
    else:  # no position: point at the statement's first non-blank character
        offset += len(statement.sql) - len(statement.sql.lstrip())
    return line_column(text, min(offset, len(text)))


# --- the run --------------------------------------------------------------------------------------------------

def advisory_key(schema: str, table: str) -> int:
    """A stable signed 64-bit key per ledger, shared by every neontui process."""
    digest = hashlib.sha256(f"neontui:{schema}.{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# drizzle-orm 1.0.0-rc.5's bookkeeping table for a new database (pg-core/async/session.ts `migrate`).
V1_TABLE_DDL = ("CREATE TABLE IF NOT EXISTS {} ( id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint, "
                "name text, applied_at timestamp with time zone DEFAULT now() )")
V0_TABLE_DDL = "CREATE TABLE IF NOT EXISTS {} ( id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint )"


def ensure_ledger(conn: psycopg.Connection, schema: str, table: str, journal: Journal | None = None,
                  options: MigrateOptions = DEFAULT_OPTIONS) -> V1Upgrade | None:
    """Check that this session may write the ledger (ledger.require_writable: one clear error with the GRANT before
    anything runs), then drizzle's bookkeeping statements, each skipped when its object exists: even with IF NOT
    EXISTS, CREATE SCHEMA needs the CREATE privilege on the database
    (docs/compatibility.md#drizzle-create-schema-privilege) and CREATE TABLE the CREATE privilege on the schema, which a
    role that only records migrations need not have.

    For a 1.0 folder `journal` the table is drizzle 1.0's, and a 0.x table is upgraded in place first as rc.5 does
    it; returns that upgrade (its `order` is the order the batch then runs in), else None. Call it under the lock."""
    access = require_writable(conn, schema, table)
    v1 = journal is not None and journal.is_folders
    try:
        if not access.schema_exists:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        if not access.table_exists:
            conn.execute(sql.SQL(V1_TABLE_DDL if v1 else V0_TABLE_DDL).format(table_identifier(schema, table)))
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, f'create the ledger "{schema}"."{table}"', [(schema, table)]) from None
    if v1 and journal is not None and access.table_exists and "name" not in access.columns:
        return upgrade_ledger(conn, read_ledger(conn, schema, table), journal, options)
    return None


class LedgerUpgradeRefused(NeontuiError):
    """A 0.x ledger holds rows that match no 1.0 migration folder: drizzle 1.0's upgrade throws on it."""


def refuse_unmatched(ledger: Ledger, upgrade: V1Upgrade) -> None:
    """LedgerUpgradeRefused (exit 3, before anything changed) when the v0→v1 upgrade would leave rows unnamed."""
    if not upgrade.unmatched:
        return
    ids = ", ".join(str(i) for i in upgrade.unmatched)
    raise LedgerUpgradeRefused(
        f"the ledger {ledger.qualified_name} is a drizzle 0.x table, which drizzle 1.0 upgrades in place before it "
        f"migrates, but {len(upgrade.unmatched)} of its rows (ids: {ids}) match no migration folder by created_at "
        "second or by hash: drizzle-kit 1.0 migrate fails the same way (\"While upgrading your database migrations "
        "table…\"); nothing was changed or applied",
        hint="restore the missing migration folders (e.g. from git); if those migrations were removed on purpose, "
             "check the schema and delete those ledger rows; neontui status lists them")


def upgrade_ledger(conn: psycopg.Connection, ledger: Ledger, journal: Journal,
                   options: MigrateOptions = DEFAULT_OPTIONS) -> V1Upgrade:
    """drizzle-orm 1.0's upToV1 (up-migrations/pg.ts), statement for statement, in one transaction (a savepoint
    inside the dry run's) with the run's lock and statement timeouts: add `name` and `applied_at`, then name each
    row after the folder it matches, applied_at NULL (when it really ran is unknown). Unmatched rows refuse first."""
    upgrade = predict_v1_upgrade(journal.entries, ledger.rows)
    refuse_unmatched(ledger, upgrade)
    target = table_identifier(ledger.schema, ledger.table)
    # The run's limits for the session while it lasts (not SET LOCAL): a timeout's error then names the limit that
    # fired and the session in the way, read after the transaction was rolled back.
    session = conn.execute("select current_setting('lock_timeout'), current_setting('statement_timeout')").fetchone()
    assert session is not None  # a select without FROM returns exactly one row
    try:
        set_timeouts(conn, options.lock_timeout, options.statement_timeout, local=False)
        with conn.transaction():
            conn.execute(sql.SQL('ALTER TABLE {} ADD COLUMN IF NOT EXISTS "name" text').format(target))
            conn.execute(sql.SQL('ALTER TABLE {} ADD COLUMN IF NOT EXISTS "applied_at" timestamp with time zone '
                                 "DEFAULT now()").format(target))
            for row_id, name in upgrade.names.items():
                conn.execute(sql.SQL('UPDATE {} SET "name" = %s, "applied_at" = NULL WHERE "id" = %s').format(target),
                             (name, row_id))
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, f"upgrade the ledger {ledger.qualified_name} to drizzle 1.0's table",
                              [(ledger.schema, ledger.table)]) from None
    finally:
        if not conn.broken:
            set_timeouts(conn, *session, local=False)
    return upgrade


# journal.issues codes on which drizzle-kit 1.0 migrate stops before it connects (observed with rc.5), and the way out.
REFUSED_ISSUES = {
    "snapshot": "restore the folder's snapshot.json from git",
    "snapshot-version": "run drizzle-kit up",
    "broken-history": "restore the deleted migration folder from git",
    "folder-name": f"rename the folder to <YYYYMMDDHHMMSS>_<name> (it holds {MIGRATION_FILE})",
    "folder-order": "rename the folder so that it sorts after its parent",
    "second-base": "delete one of the two first migrations and every migration after it, then drizzle-kit generate",
}


def check_runnable(journal: Journal) -> None:
    """Refuse (exit 3, before the lock and the ledger) a 1.0 folder that `drizzle-kit migrate` 1.0 refuses: an
    unreadable snapshot, a snapshot that needs `drizzle-kit up`, a history with a folder deleted from it, a second
    first migration, a folder that sorts before its parent, a folder name that gives no created_at (folders.py
    finds them; a folder without snapshot.json is not one: rc.5 migrates it)."""
    if not journal.is_folders:
        return
    refused = [issue for issue in journal.issues if issue.code in REFUSED_ISSUES]
    if refused:
        first = refused[0]
        more = f" (and {len(refused) - 1} more: neontui status lists them)" if len(refused) > 1 else ""
        raise ConfigError(f"{journal.folder}: {first.message}{more}; nothing was run",
                          hint=REFUSED_ISSUES[first.code])


def migrate(url: str, journal: Journal, schema: str, table: str, options: MigrateOptions = DEFAULT_OPTIONS,
            on_event: EventHandler | None = None, *, expect: list[str] | None = None,
            deadline: float | None = None, observer: Observer | None = None) -> MigrateReport:
    """Connect to `url` (the direct endpoint: a pooled Neon URL is refused; `deadline`: connect's) and apply the
    pending batch; `observer` (a rehearsal's) sees every statement's locks, rewrites and rows."""
    target = parse_url(url)
    if target.is_pooled:
        raise ConfigError(f"refusing the pooled endpoint {target.host}: the advisory lock and the migration "
                          "transaction need a direct session", hint="use the direct endpoint (without -pooler)")
    with connect(url, application_name=options.application_name, deadline=deadline) as conn:
        return run(conn, journal, schema, table, options, on_event, expect=expect, observer=observer)


def run(conn: psycopg.Connection, journal: Journal, schema: str, table: str,
        options: MigrateOptions = DEFAULT_OPTIONS, on_event: EventHandler | None = None, *,
        limit: int | None = None, expect: list[str] | None = None, observer: Observer | None = None) -> MigrateReport:
    """Apply the pending batch (or its first `limit` migrations) on an autocommit connection.

    `expect` is the batch that was reviewed: if, under the lock, something else is pending, nothing runs.
    """
    missing = [e.path for e in journal.entries if not e.exists]
    if missing:  # drizzle reads every file before it starts, and fails the same way
        raise ConfigError(f"No file {missing[0]} found: nothing was applied")
    check_nul_bytes(journal.entries)  # before the lock and the ledger: libpq would drop the rest of such a file
    check_runnable(journal)
    started = time.monotonic()
    waited = acquire_lock(conn, schema, table, options.lock_wait)
    try:
        upgrade = ensure_ledger(conn, schema, table, journal, options)
        ledger = read_ledger(conn, schema, table)
        # After its upgrade drizzle 1.0 runs the batch in the order the upgrade sorted the folders in.
        batch = pending_entries(journal, ledger) if upgrade is None else name_pending(upgrade.order, ledger.rows)
        batch = batch[:limit] if limit is not None else batch
        check_reviewed(batch, expect)
        version = conn.info.server_version
        plan = build_plan(batch, per_migration=options.per_migration, server_version=version)
        runner = _Runner(conn, ledger, options, on_event or (lambda _e: None), with_name=journal.is_folders,
                         observer=observer)
        runner.emit(PlanReady(plan.statement_count))
        for step in plan.steps:
            runner.step(step)
        return MigrateReport(runner.committed, plan, list(runner.timings.values()), time.monotonic() - started,
                             waited)
    finally:
        release_lock(conn, schema, table)


def acquire_lock(conn: psycopg.Connection, schema: str, table: str, wait: float) -> float:
    """Take the session advisory lock, polling up to `wait` seconds; returns the time waited."""
    key = advisory_key(schema, table)
    started = time.monotonic()
    while True:
        row = conn.execute("select pg_try_advisory_lock(%s)", (key,)).fetchone()
        assert row is not None  # a select without FROM returns exactly one row
        if row[0]:
            return time.monotonic() - started
        waited = time.monotonic() - started
        if waited >= wait:
            raise MigrationLocked(lock_holder(conn, key), waited)
        time.sleep(min(0.2, max(0.01, wait - waited)))


def release_lock(conn: psycopg.Connection, schema: str, table: str) -> None:
    if not conn.closed and not conn.broken:
        with contextlib.suppress(psycopg.Error):  # the session is gone, and its lock with it
            conn.execute("select pg_advisory_unlock(%s)", (advisory_key(schema, table),))


def lock_holder(conn: psycopg.Connection, key: int) -> str:
    row = conn.execute(
        "select a.pid, a.backend_start, coalesce(nullif(a.application_name, ''), 'unknown application'), "
        "a.usename from pg_locks l join pg_stat_activity a on a.pid = l.pid "
        "where l.locktype = 'advisory' and l.granted and l.classid = %s and l.objid = %s and l.objsubid = 1",
        ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF)).fetchone()
    if row is None:
        return "its session has just ended"
    pid, since, app, user = row
    return f"pid {pid}, since {since:%Y-%m-%d %H:%M:%S %Z}".rstrip() + f", {app}, user {user}"


class _Runner:
    def __init__(self, conn: psycopg.Connection, ledger: Ledger, options: MigrateOptions, emit: EventHandler, *,
                 with_name: bool, observer: Observer | None = None) -> None:
        """`with_name`: record the folder name, as drizzle 1.0 does; drizzle 0.45 (a journal) never writes it, even
        into a table that has the column."""
        self.conn, self.options, self.emit, self.observer = conn, options, emit, observer
        self.committed: list[str] = []
        self.timings: dict[str, MigrationTiming] = {}
        self.insert = sql.SQL('insert into {} ("hash", "created_at"{}) values (%s, %s{})').format(
            table_identifier(ledger.schema, ledger.table), sql.SQL(', "name"' if with_name else ""),
            sql.SQL(", %s" if with_name else ""))
        self.with_name = with_name

    def step(self, step: Step) -> None:
        if step.transactional:
            self._transaction(step)
        else:
            self._autocommit(step)

    def _transaction(self, step: Step) -> None:
        current: PlannedStatement | None = None
        try:
            with self.conn.transaction():
                self._timeouts(local=True)
                for item in step.items:
                    if isinstance(item, PlannedStatement):
                        current = item
                        self._execute(item, transactional=True)
                    else:
                        self._record(item)
        except psycopg.Error as exc:
            raise self._failure(current or _record_statement(step), exc, transactional=True) from None
        finally:
            if self.observer is not None:
                self.observer.step_done()
        self._committed(step)

    def _autocommit(self, step: Step) -> None:
        (statement,) = step.statements
        # The session's own limits (connect's catalog limits) come back right after the statement, so that the
        # reads that follow (the failure diagnosis, the next step's bookkeeping) stay bounded.
        session = self.conn.execute("select current_setting('lock_timeout'), current_setting('statement_timeout')"
                                    ).fetchone()
        assert session is not None  # a select without FROM returns exactly one row
        error: psycopg.Error | None = None
        try:
            self._timeouts(local=False)
            self._execute(statement, transactional=False)
        except psycopg.Error as exc:
            error = exc
        finally:
            if not self.conn.broken:
                set_timeouts(self.conn, *session, local=False)
        if error is not None:
            raise self._failure(statement, error, transactional=False) from None

    def _timeouts(self, *, local: bool) -> None:
        set_timeouts(self.conn, self.options.lock_timeout, self.options.statement_timeout, local=local)

    def _execute(self, statement: PlannedStatement, *, transactional: bool) -> None:
        self.emit(StatementStarted(statement.tag, statement.index, statement.summary, transactional))
        observed = self.observer.before(self.conn, statement, transactional=transactional) if self.observer else None
        started = time.monotonic()
        try:
            cursor = self.conn.execute(statement.sql.encode("utf-8"))  # no params: simple protocol, `%` left alone
        except psycopg.Error:
            if self.observer is not None and observed is not None:
                self.observer.failed(observed, time.monotonic() - started)
            raise
        elapsed = time.monotonic() - started
        rows = cursor.rowcount if cursor.rowcount >= 0 else None
        timing = self.timings.setdefault(statement.tag, MigrationTiming(statement.tag))
        timing.elapsed += elapsed
        timing.statements.append(StatementTiming(statement.index, elapsed, rows))
        if self.observer is not None and observed is not None:
            self.observer.after(self.conn, observed, elapsed, rows)
        self.emit(StatementFinished(statement.tag, statement.index, elapsed, rows))

    def _record(self, migration: Migration) -> None:
        params = (migration.hash, migration.when) + ((migration.tag,) if self.with_name else ())
        self.conn.execute(self.insert, params)

    def _committed(self, step: Step) -> None:
        for migration in step.records:
            self.committed.append(migration.tag)
            timing = self.timings.setdefault(migration.tag, MigrationTiming(migration.tag))
            self.emit(MigrationApplied(migration.tag, timing.elapsed))

    def _failure(self, statement: PlannedStatement, error: psycopg.Error, *, transactional: bool) -> MigrationFailed:
        if self.conn.broken or self.conn.closed:
            return MigrationFailed(statement, error, committed=list(self.committed), transactional=transactional,
                                   message=f"the connection was lost ({_first_line(error)})",
                                   extra="the server rolls back the open transaction of a lost session")
        if error.sqlstate == LOCK_TIMEOUT_SQLSTATE:
            blockers = find_blockers(self.conn, touched_tables([statement.sql]))
            return LockTimeout(statement, error, blockers, self.options.lock_timeout, list(self.committed))
        invalid = self._invalid_indexes() if not transactional else []
        extra = (f"invalid index left behind: {', '.join(invalid)} (DROP INDEX CONCURRENTLY it, then retry)"
                 if invalid else None)
        return MigrationFailed(statement, error, committed=list(self.committed), transactional=transactional,
                               extra=extra)

    def _invalid_indexes(self) -> list[str]:
        rows = self.conn.execute("select indexrelid::regclass::text from pg_index where not indisvalid").fetchall()
        return [r[0] for r in rows]


def _record_statement(step: Step) -> PlannedStatement:
    """A stand-in location for a failure while writing ledger rows (after the step's last statement)."""
    migration = step.records[-1]
    return PlannedStatement(migration, max(len(migration.statements) - 1, 0), "", len(migration.text or ""))


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
