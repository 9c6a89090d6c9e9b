"""The pending batch at a glance: everything the next migrate runs, as the on-call engineer reads it before it does.

Offline facts come from the gate (the pending files, the review's findings, the checklist's last rehearsal) and the
SQL itself (each statement's predicted table locks, whether it can run in a transaction, what the batch creates, the
rollback plan); the live ones (each touched table's size and row estimate) from ONE catalog query under the
catalog's timeouts. Nothing here changes the database.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neontui.core.db.lock_modes import LOCK_MODES, blocks, rank, strongest_mode
from neontui.core.safety.model import DangerClass, Finding, Severity
from neontui.core.sql.locks import ForeignKeys, predicted_locks
from neontui.core.sql.parse import SqlSyntaxError, parse
from neontui.core.sql.positions import line_column
from neontui.core.sql.rollback import rollback_plan
from neontui.core.sql.statements import (
    DEFAULT_SCHEMA,
    no_transaction,
    statement_summary,
    touched_tables,
)

if TYPE_CHECKING:
    import psycopg

    from neontui.core.drizzle.journal import Migration
    from neontui.core.gate.gate import Gate

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)  # the order the counts are shown in
# Rules that rewrite a table without being of the table-rewrite class (their class is the lock they take).
REWRITE_RULES = frozenset({"vacuum-full-or-cluster"})


@dataclass(frozen=True)
class BatchStatement:
    index: int  # 0-based chunk of drizzle's split, as findings and the rollback count them
    line: int  # 1-based line where its text starts in the file
    transactional: bool  # False: PostgreSQL refuses it in a transaction block, so it runs on its own
    locks: tuple[tuple[str, str, str], ...]  # (schema, table, mode) it takes, strongest per table
    summary: str = ""  # its first line (statements.statement_summary)

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "line": self.line, "transactional": self.transactional, "sql": self.summary,
                "locks": [{"schema": s, "table": t, "mode": m} for s, t, m in self.locks]}


@dataclass(frozen=True)
class BatchMigration:
    tag: str
    exists: bool  # the file is there (a missing file has no statements to show)
    statements: tuple[BatchStatement, ...]
    findings: Mapping[str, int]  # severity → live (not suppressed) findings in this file
    rules: tuple[str, ...]  # the live findings' rules, sorted
    rollback: str  # "full", "partial" or "none": what rollback_plan can undo from the SQL alone
    irreversible: tuple[str, ...]  # why each step that cannot be undone cannot (and how to recover instead)

    @property
    def outside_transaction(self) -> int:
        return sum(1 for s in self.statements if not s.transactional)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "exists": self.exists, "statement_count": len(self.statements),
                "outside_transaction": self.outside_transaction, "findings": dict(self.findings),
                "rules": list(self.rules), "rollback": self.rollback, "irreversible": list(self.irreversible),
                "statements": [s.to_json() for s in self.statements]}


@dataclass(frozen=True)
class BatchTable:
    schema: str
    table: str
    exists: bool  # found in the live catalog now
    size_bytes: int | None  # pg_total_relation_size (heap, TOAST and indexes); None when it does not exist yet
    rows: int | None  # pg_class.reltuples, the planner's estimate; None: unknown (never analyzed, or not there)
    lock: str | None  # the strongest lock the batch takes on it (pg_locks' mode name); None: none predicted
    rewrite: bool  # a finding says a statement rewrites it (the whole table copied under ACCESS EXCLUSIVE)
    created: bool  # the batch creates it (CREATE TABLE, CREATE TABLE AS)

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def new(self) -> bool:
        """Created by the batch and not there yet: its size and rows are nothing to worry about."""
        return self.created and not self.exists

    @property
    def blocks(self) -> str | None:
        """What the strongest lock blocks, in words ("reads and writes")."""
        return blocks(self.lock) if self.lock else None

    def to_json(self) -> dict[str, Any]:
        return {"schema": self.schema, "table": self.table, "exists": self.exists, "size_bytes": self.size_bytes,
                "rows_estimate": self.rows, "lock": self.lock, "blocks": self.blocks, "rewrite": self.rewrite,
                "created": self.created, "new": self.new}


@dataclass(frozen=True)
class Batch:
    database: str
    target: str  # where, as status shows it (host:port/database; no password)
    environment: str  # "production", "development" or the target's name
    production: bool
    server_version: str
    migrations: tuple[BatchMigration, ...]
    tables: tuple[BatchTable, ...]
    findings: Mapping[str, int]  # severity → live findings in the whole batch
    suppressed: int  # findings an ignore comment covers (listed by lint, not counted above)
    rehearsal: Mapping[str, Any] | None  # the checklist's record of the last rehearsal of exactly this batch

    @property
    def statement_count(self) -> int:
        return sum(len(m.statements) for m in self.migrations)

    def to_json(self) -> dict[str, Any]:
        return {"database": self.database, "target": self.target, "environment": self.environment,
                "production": self.production, "server_version": self.server_version,
                "migration_count": len(self.migrations), "statement_count": self.statement_count,
                "findings": dict(self.findings), "suppressed": self.suppressed,
                "rehearsal": None if self.rehearsal is None else dict(self.rehearsal),
                "migrations": [m.to_json() for m in self.migrations], "tables": [t.to_json() for t in self.tables]}


def pending_batch(gate: Gate, *, deadline: float | None = None) -> Batch:
    """The batch the gate reviewed, with each touched table's live size and row estimate (one connection, two
    catalog queries under the catalog's lock and statement timeouts; `deadline` bounds connecting, default the
    gate's settings). The live foreign keys make the predicted locks whole: dropping one locks the table it
    references, which the SQL does not name."""
    from neontui.core.db.schema_info import foreign_keys, table_sizes  # the offline facts need no database driver

    pending = gate.pending
    findings = gate.review.findings
    named = _named_tables(pending.migrations)
    with _catalog(gate, deadline) if named else nullcontext() as conn:
        keys = foreign_keys(conn, named) if conn is not None else {}
        migrations = tuple(_migration(m, findings, pending.server_version, keys) for m in pending.migrations)
        locks: dict[tuple[str, str], list[str]] = {}
        for migration in migrations:
            for statement in migration.statements:
                for schema, table, mode in statement.locks:
                    locks.setdefault((schema, table), []).append(mode)
        named |= set(locks)
        sizes = table_sizes(conn, named) if conn is not None else {}
    rewritten = _rewritten(pending.migrations, findings)
    created = _created(pending.migrations)
    tables = tuple(_table(key, sizes.get(key), strongest_mode(locks.get(key, ())), key in rewritten, key in created)
                   for key in named)
    live = [f for f in findings if not f.suppressed]
    server = pending.overview.server
    return Batch(pending.database, pending.overview.target.display_target(), gate.environment.name,
                 gate.environment.production, server.version, migrations, tuple(sorted(tables, key=_disruptive)),
                 _by_severity(live), sum(1 for f in findings if f.suppressed), gate.checklist.rehearsal)


def _disruptive(table: BatchTable) -> tuple[bool, int, int, str]:
    """Most disruptive first: existing tables before new ones, the strongest lock, a rewrite, the biggest."""
    return (table.new, rank(table.lock) if table.lock else len(LOCK_MODES), -(table.size_bytes or 0), table.name)


@contextmanager
def _catalog(gate: Gate, deadline: float | None) -> Iterator[psycopg.Connection]:
    from neontui.core.db.connect import catalog_reads, connect

    deadline = gate.settings.connect_deadline(os.environ) if deadline is None else deadline
    with connect(gate.project.database_url or "", deadline=deadline, application_name="neontui batch") as conn, \
            catalog_reads(conn, gate.pending.overview.target):
        yield conn


def _table(key: tuple[str, str], live: tuple[int, float] | None, lock: str | None, rewrite: bool,
           created: bool) -> BatchTable:
    size, tuples = live if live is not None else (None, -1.0)
    rows = None if tuples < 0 else round(tuples)
    return BatchTable(key[0], key[1], live is not None, size, rows, lock, rewrite, created)


def _by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(str(f.severity) for f in findings)
    return {str(s): counts[str(s)] for s in SEVERITIES if counts[str(s)]}


def _chunks(migration: Migration) -> list[tuple[int, str]]:
    """The statement chunks drizzle sends, with their index in its split (blank chunks are never sent)."""
    return [(i, chunk) for i, chunk in enumerate(migration.statements) if chunk.strip()]


def _migration(migration: Migration, findings: Sequence[Finding], server_version: int,
               foreign_keys: ForeignKeys | None = None) -> BatchMigration:
    lines = migration.statement_lines
    statements = tuple(
        BatchStatement(i, _first_line(chunk, lines[i]), _transactional(chunk, server_version),
                       tuple((lock.schema, lock.table, lock.mode)
                             for lock in predicted_locks(chunk, server_version, foreign_keys)),
                       statement_summary(chunk))
        for i, chunk in _chunks(migration))
    live = [f for f in findings if f.tag == migration.tag and not f.suppressed]
    rollback, irreversible = _rollback(migration)
    return BatchMigration(migration.tag, migration.exists, statements, _by_severity(live),
                          tuple(sorted({f.rule for f in live})), rollback, irreversible)


def _first_line(chunk: str, start: int) -> int:
    """The line its text starts on: a chunk after a breakpoint begins with the rest of the breakpoint's line."""
    return line_column(chunk, len(chunk) - len(chunk.lstrip()), start=(start, 1))[0]


def _transactional(chunk: str, server_version: int) -> bool:
    try:
        stmts = parse(chunk)
    except SqlSyntaxError:
        return True  # the server rejects it either way; the review reports the syntax error
    return not any(no_transaction(node_type, node, server_version)
                   for raw in stmts for node_type, node in raw.get("stmt", {}).items())


def _rollback(migration: Migration) -> tuple[str, tuple[str, ...]]:
    """("full" | "partial" | "none", the irreversible steps' reasons). "none": no step has an inverse and at least
    one cannot be undone; a migration whose every step needs no undoing is fully reversible."""
    steps = rollback_plan(migration).steps
    reasons = tuple(dict.fromkeys(s.irreversible for s in steps if s.irreversible))
    if not reasons:
        return "full", ()
    return ("partial" if any(s.sql for s in steps) else "none"), reasons


def _named_tables(migrations: Sequence[Migration]) -> set[tuple[str, str]]:
    """Every relation the batch's SQL names (predicted locks and plain mentions alike)."""
    return touched_tables(chunk for m in migrations for _, chunk in _chunks(m))


def _created(migrations: Sequence[Migration]) -> set[tuple[str, str]]:
    created: set[tuple[str, str]] = set()
    for migration in migrations:
        for _, chunk in _chunks(migration):
            try:
                stmts = parse(chunk)
            except SqlSyntaxError:
                continue
            created.update(name for raw in stmts if (name := _creates(raw.get("stmt", {}))))
    return created


def _creates(stmt: Mapping[str, Any]) -> tuple[str, str] | None:
    """The table a CREATE TABLE or CREATE TABLE AS creates, else None."""
    relation = stmt["CreateStmt"].get("relation", {}) if "CreateStmt" in stmt else \
        stmt.get("CreateTableAsStmt", {}).get("into", {}).get("rel", {})
    name = relation.get("relname")
    return (relation.get("schemaname") or DEFAULT_SCHEMA, name) if name else None


def _rewritten(migrations: Sequence[Migration], findings: Sequence[Finding]) -> set[tuple[str, str]]:
    """The tables a rewrite finding's statement touches; when the finding names some of them ("orders"), those."""
    by_tag = {m.tag: m for m in migrations}
    found: set[tuple[str, str]] = set()
    for f in findings:
        # Suppressed ones too: an ignore comment accepts the rewrite, it still happens.
        if not (f.danger is DangerClass.TABLE_REWRITE or f.rule in REWRITE_RULES):
            continue
        migration = by_tag.get(f.tag)
        if migration is None or f.statement >= len(migration.statements):
            continue
        tables = touched_tables([migration.statements[f.statement]])
        said = f"{f.message} {f.lock or ''}"
        named = {t for t in tables if f'"{t[1]}"' in said or f" {t[1]} " in f" {said} "}
        found |= named or tables
    return found
