"""What each statement of a run did to the database: how long it took, which locks it took and how long they were
held, which tables it rewrote and how many rows it touched. The dry run and the rehearsal read the same facts here.

Inside a transaction, the locks a statement holds are read from `pg_locks` of our own backend after it: those it
took, plus those an earlier statement of the same transaction took on the tables it touches (CREATE TABLE then ALTER
TABLE in one transaction: the ALTER needs the ACCESS EXCLUSIVE lock the CREATE already holds, and a reviewer must
see that). PostgreSQL keeps every lock until the transaction ends, so each is held from the start of the statement
that first took it until the step commits (or rolls back). A statement that runs outside a
transaction (CREATE INDEX CONCURRENTLY, the files' own COMMIT steps) releases its locks when it returns, so they are
sampled from a second session while it runs; a lock held for less than one sampling interval can be missed, and the
report says the locks were sampled. A rewrite is a table whose `relfilenode` changed (ALTER TABLE … TYPE, SET
LOGGED, VACUUM FULL give the table new files); rows are the statement's own row count.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg

from neontui.core.db.lock_modes import rank
from neontui.core.migrate.plan import PlannedStatement
from neontui.core.sql.statements import touched_tables

__all__ = ["HeldLock", "ObservedStatement", "Observer", "own_locks", "relfilenodes", "rewritten", "statement_tables"]

# Locks on the application's tables (and views, sequences) only: the catalog and TOAST locks every DDL takes, the
# locks on indexes that come with their table's, and the transient heaps of a rewrite (gone by the time we look, so
# not in pg_class) say nothing a reviewer can act on.
_LOCKS = """
select l.relation::regclass::text, l.mode
from pg_locks l
join pg_class c on c.oid = l.relation
join pg_namespace n on n.oid = c.relnamespace
where l.pid = {pid} and l.locktype = 'relation' and l.granted and l.database = (
  select oid from pg_database where datname = current_database())
  and n.nspname not in ('pg_catalog', 'pg_toast', 'information_schema') and c.relkind not in ('i', 'I')
"""
_OWN_LOCKS = _LOCKS.format(pid="pg_backend_pid()")
_LOCKS_OF = _LOCKS.format(pid="%s")
SAMPLE_INTERVAL = 0.002  # seconds between two looks at the locks of a statement that runs outside a transaction


def strongest(locks: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """One (relation, mode) per relation, its strongest mode: a statement that holds ACCESS EXCLUSIVE on a table
    also holding ACCESS SHARE on it says nothing more."""
    best: dict[str, str] = {}
    for relation, mode in locks:
        if relation not in best or rank(mode) < rank(best[relation]):
            best[relation] = mode
    return sorted(best.items())


def own_locks(conn: psycopg.Connection) -> set[tuple[str, str]]:
    """The relation locks this session holds now: (relation, mode)."""
    return {(str(rel), str(mode)) for rel, mode in conn.execute(_OWN_LOCKS).fetchall()}


def relfilenodes(conn: psycopg.Connection, tables: list[str]) -> dict[str, int | None]:
    """The current relfilenode of each quoted table name (None: no such table, yet)."""
    if not tables:
        return {}
    rows = conn.execute("select t, (select relfilenode from pg_class where oid = to_regclass(t)) "
                        "from unnest(%s::text[]) as t", (tables,)).fetchall()
    return dict(rows)


def rewritten(before: dict[str, int | None], after: dict[str, int | None]) -> list[str]:
    """The tables that existed before and got new files: rewritten."""
    return sorted(t for t, node in before.items() if node and after.get(t) not in (None, node))


def _names(conn: psycopg.Connection, tables: list[str]) -> set[str]:
    """The tables as pg_locks' regclass text names them (unqualified when on the search path)."""
    if not tables:
        return set()
    rows = conn.execute("select to_regclass(t)::text from unnest(%s::text[]) as t", (tables,)).fetchall()
    return {str(name) for (name,) in rows if name is not None}


def statement_tables(statement: PlannedStatement) -> list[str]:
    return [f'"{s}"."{t}"' for s, t in touched_tables([statement.sql])]


@dataclass
class HeldLock:
    relation: str
    mode: str
    held: float | None = None  # seconds from its statement's start to the end of its transaction (or statement)

    def to_json(self) -> dict[str, Any]:
        return {"relation": self.relation, "mode": self.mode,
                "held_s": None if self.held is None else round(self.held, 4)}


@dataclass
class ObservedStatement:
    tag: str
    statement: int
    summary: str
    transactional: bool
    elapsed: float | None = None
    rows: int | None = None
    locks: list[HeldLock] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    sampled: bool = False  # locks seen by sampling from another session (a statement outside a transaction)
    failed: bool = False
    started: float = 0.0  # time.monotonic() at its start

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "statement": self.statement, "sql": self.summary,
                "transactional": self.transactional,
                "elapsed_s": None if self.elapsed is None else round(self.elapsed, 4), "rows": self.rows,
                "locks": [lock.to_json() for lock in self.locks], "locks_sampled": self.sampled,
                "rewritten": self.rewritten, "failed": self.failed}


@dataclass
class _Before:
    entry: ObservedStatement
    locks: set[tuple[str, str]]
    files: dict[str, int | None]
    tables: list[str]
    sampler: _Sampler | None = None


class Observer:
    """The migrator's hooks (before / after / failed / step_done) for one run; `statements` is what it saw.

    `url` is the database the run applies to: the sampler's second session for statements outside a transaction
    connects there. Observing costs a few catalog reads per statement; it is meant for rehearsals, not production.
    """

    def __init__(self, url: str, *, deadline: float = 10.0) -> None:
        self.url, self.deadline = url, deadline
        self.statements: list[ObservedStatement] = []
        self._open: list[ObservedStatement] = []  # this transaction's statements, whose locks it still holds
        self._taken: dict[tuple[str, str], float] = {}  # this transaction's locks → when their first taker began

    def before(self, conn: psycopg.Connection, statement: PlannedStatement, *, transactional: bool) -> _Before:
        entry = ObservedStatement(statement.tag, statement.index, statement.summary, transactional)
        self.statements.append(entry)
        tables = statement_tables(statement)
        state = _Before(entry, own_locks(conn) if transactional else set(), relfilenodes(conn, tables), tables)
        if not transactional:
            state.sampler = _Sampler(self.url, conn.info.backend_pid, self.deadline)
            entry.sampled = True
        entry.started = time.monotonic()
        return state

    def after(self, conn: psycopg.Connection, state: _Before, elapsed: float, rows: int | None) -> None:
        entry = state.entry
        entry.elapsed, entry.rows = elapsed, rows
        if state.sampler is not None:
            entry.locks = [HeldLock(rel, mode, elapsed) for rel, mode in strongest(state.sampler.stop())]
        else:
            held = own_locks(conn)
            for lock in held - state.locks:
                self._taken.setdefault(lock, entry.started)
            names = _names(conn, state.tables)
            mine = {lock for lock in held if lock not in state.locks or lock[0] in names}
            entry.locks = [HeldLock(rel, mode) for rel, mode in strongest(mine)]
            self._open.append(entry)
        entry.rewritten = rewritten(state.files, relfilenodes(conn, state.tables))

    def failed(self, state: _Before, elapsed: float) -> None:
        state.entry.elapsed, state.entry.failed = elapsed, True
        if state.sampler is not None:
            state.entry.locks = [HeldLock(rel, mode, elapsed) for rel, mode in strongest(state.sampler.stop())]
        self.step_done()

    def step_done(self) -> None:
        """The transaction ended (commit or rollback): its statements' locks were held until now."""
        now = time.monotonic()
        for entry in self._open:
            for lock in entry.locks:
                lock.held = now - self._taken.get((lock.relation, lock.mode), entry.started)
        self._open.clear()
        self._taken.clear()


class _Sampler:
    """Looks at the locks of the migrating session from a second session until stopped (see the module text)."""

    def __init__(self, url: str, pid: int, deadline: float) -> None:
        self.seen: set[tuple[str, str]] = set()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(url, pid, deadline), daemon=True,
                                        name="neontui lock sampler")
        self._thread.start()
        self._ready.wait(deadline)  # the first look happens before the statement starts

    def _run(self, url: str, pid: int, deadline: float) -> None:
        from neontui.core.db.connect import connect
        from neontui.core.errors import NeontuiError

        try:
            with connect(url, deadline=deadline, attempts=1, application_name="neontui lock sampler") as conn:
                conn.execute("set statement_timeout = '2s'")
                self._ready.set()
                while not self._stop.is_set():
                    self.seen |= {(str(r), str(m)) for r, m in conn.execute(_LOCKS_OF, (pid,)).fetchall()}
                    self._stop.wait(SAMPLE_INTERVAL)
        except (NeontuiError, psycopg.Error):
            pass  # sampling is best effort: the statement's own result does not depend on it
        finally:
            self._ready.set()

    def stop(self) -> set[tuple[str, str]]:
        self._stop.set()
        with contextlib.suppress(RuntimeError):
            self._thread.join(5.0)
        return set(self.seen)
