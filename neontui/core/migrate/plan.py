"""The execution plan of a migration run: exactly where transactions begin and end.

Like drizzle, everything pending runs in one transaction, each file followed by its ledger row. Two things break
that shape and are planned explicitly instead of failing half-way:
- statements that cannot run inside a transaction (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY,
  DETACH PARTITION … CONCURRENTLY, VACUUM, CREATE/DROP DATABASE…) run as their own autocommit step;
- files that contain their own COMMIT;/BEGIN; (the community workaround for CONCURRENTLY under drizzle): those
  statements become step boundaries rather than being sent to the server.
A file's ledger row is written in the transaction that runs its last statement, so a row exists only for a
migration whose every statement completed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from neontui.core.drizzle.journal import BREAKPOINT, Migration
from neontui.core.errors import NeontuiError
from neontui.core.sql import versions
from neontui.core.sql.parse import SqlSyntaxError, parse
from neontui.core.sql.statements import no_transaction, statement_summary

# Only chunks mentioning one of these words can hold a statement the plan must treat specially; the rest are sent
# verbatim without parsing (most chunks, and the fast path).
_MAYBE_SPECIAL = re.compile(r"\b(?:CONCURRENTLY|VACUUM|COMMIT|BEGIN|START|END|ROLLBACK|ABORT|DATABASE|TABLESPACE|"
                            r"SYSTEM|ADD\s+VALUE)\b", re.IGNORECASE)
_CLOSE = {"TRANS_STMT_COMMIT", "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED"}
_OPEN = {"TRANS_STMT_BEGIN", "TRANS_STMT_START"}
_REFUSE = {"TRANS_STMT_ROLLBACK", "TRANS_STMT_ROLLBACK_PREPARED"}


class PlanError(NeontuiError):
    pass


@dataclass(frozen=True)
class PlannedStatement:
    migration: Migration
    index: int  # chunk index in drizzle's split of the file
    sql: str  # what is sent: the whole chunk verbatim, or one statement of it when the chunk had to be split
    offset: int  # where `sql` starts in the file text (server error positions are relative to `sql`)

    @property
    def tag(self) -> str:
        return self.migration.tag

    @property
    def summary(self) -> str:
        return statement_summary(self.sql)


@dataclass
class Step:
    """Statements and ledger rows, in execution order (a file's row right after its last statement)."""

    transactional: bool
    items: list[PlannedStatement | Migration] = field(default_factory=list)

    @property
    def statements(self) -> list[PlannedStatement]:
        return [i for i in self.items if isinstance(i, PlannedStatement)]

    @property
    def records(self) -> list[Migration]:
        return [i for i in self.items if isinstance(i, Migration)]


@dataclass
class Plan:
    migrations: list[Migration]
    steps: list[Step]

    @property
    def single_transaction(self) -> bool:
        return len(self.steps) <= 1 and all(s.transactional for s in self.steps)

    @property
    def statement_count(self) -> int:
        return sum(len(s.statements) for s in self.steps)

    def describe(self) -> list[str]:
        """The plan as text: BEGIN/COMMIT around transactional steps, autocommit steps called out."""
        lines = []
        for step in self.steps:
            if step.transactional:
                lines.append("BEGIN")
            for item in step.items:
                if isinstance(item, Migration):
                    lines.append(f"  ledger row for {item.tag}")
                else:
                    where = "  " if step.transactional else "-- outside a transaction: "
                    lines.append(f"{where}{item.tag} #{item.index}: {item.summary}")
            if step.transactional:
                lines.append("COMMIT")
        return lines

    def to_json(self, *, with_sql: bool = True) -> list[dict]:
        return [{"transactional": s.transactional,
                 "statements": [{"tag": st.tag, "statement": st.index, **({"sql": st.summary} if with_sql else {})}
                                for st in s.statements],
                 "ledger_rows": [m.tag for m in s.records]} for s in self.steps]


def build_plan(migrations: Sequence[Migration], *, per_migration: bool = False,
               server_version: int = versions.LATEST) -> Plan:
    steps: list[Step] = []
    current: Step | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.items:
            steps.append(current)
        current = None

    for migration in migrations:
        if per_migration:
            close()
        offset = 0
        for index, chunk in enumerate(migration.statements):
            for text, start, kind in _parts(migration, index, chunk, server_version):
                if kind == "statement":
                    current = current or Step(True)
                    current.items.append(PlannedStatement(migration, index, text, offset + start))
                elif kind == "no-transaction":
                    close()
                    steps.append(Step(False, [PlannedStatement(migration, index, text, offset + start)]))
                else:  # an explicit COMMIT or BEGIN in the file: a step boundary
                    close()
            offset += len(chunk) + len(BREAKPOINT)
        current = current or Step(True)
        current.items.append(migration)
    close()
    return Plan(list(migrations), steps)


def _parts(migration: Migration, index: int, chunk: str, server_version: int) -> list[tuple[str, int, str]]:
    """(sql, offset in chunk, kind) for what this chunk sends; kind: statement, no-transaction or boundary."""
    if not chunk.strip():
        return []  # an empty query: drizzle sends it, the server ignores it
    if not _MAYBE_SPECIAL.search(chunk):
        return [(chunk, 0, "statement")]
    try:
        stmts = parse(chunk)
    except SqlSyntaxError:
        return [(chunk, 0, "statement")]  # the server will report the syntax error where it is
    kinds = [_kind(item["stmt"], server_version) for item in stmts]
    refused = [k for k in kinds if k == "refuse"]
    if refused:
        raise PlanError(f"{migration.tag} statement {index} contains ROLLBACK: neontui will not run a migration "
                        "that discards its own work", hint="remove the ROLLBACK from the file")
    if all(k == "statement" for k in kinds):
        return [(chunk, 0, "statement")]  # nothing special: keep drizzle's one-query-per-chunk
    raw = chunk.encode("utf-8")
    parts = []
    for item, kind in zip(stmts, kinds, strict=True):
        start = item.get("stmt_location", 0)
        length = item.get("stmt_len", 0) or len(raw) - start
        text = raw[start:start + length].decode("utf-8", "replace")
        parts.append((text, len(raw[:start].decode("utf-8", "replace")), kind))
    return parts


def _kind(stmt: dict, server_version: int) -> str:
    (node_type, node), = stmt.items()
    if node_type == "TransactionStmt":
        kind = node.get("kind", "")
        return "boundary" if kind in _CLOSE | _OPEN else "refuse" if kind in _REFUSE else "statement"
    if no_transaction(node_type, node, server_version):
        return "no-transaction"
    return "statement"

