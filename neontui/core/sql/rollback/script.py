"""The rollback of one migration as steps, and the SQL script rendered from them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RollbackStep:
    tag: str
    statement: int  # 0-based chunk index in drizzle's split (journal.split_statements)
    original: str  # the original statement, stripped, for display (one statement; a chunk may hold several)
    sql: str | None  # the inverse SQL (ends with ';'), None when irreversible or nothing to undo
    irreversible: str | None  # why it cannot be undone automatically, and how to recover instead
    note: str | None = None  # caveat for the inverse, or why nothing needs undoing


@dataclass(frozen=True)
class RollbackPlan:
    tag: str
    steps: tuple[RollbackStep, ...]  # already in rollback (reverse) order

    @property
    def reversible(self) -> bool:
        return not any(step.irreversible for step in self.steps)

    @property
    def transactional(self) -> bool:
        """False when a step cannot run inside a transaction block (DROP INDEX CONCURRENTLY)."""
        return not any(step.sql and step.sql.startswith("DROP INDEX CONCURRENTLY") for step in self.steps)

    def render(self) -> str:
        irreversible = sum(1 for step in self.steps if step.irreversible)
        executable = [step for step in self.steps if step.sql]
        lines = [f"-- neontui rollback for migration {_comment(self.tag)}",
                 "-- Derived from the migration's SQL, statements undone in reverse order; review before running."]
        if not self.steps:
            lines.append("-- Nothing to undo: the migration has no statements.")
        if irreversible:
            lines.append(f"-- NOT FULLY REVERSIBLE: {irreversible} step(s) cannot be undone automatically "
                         "(see IRREVERSIBLE below).")
        wrap = bool(executable) and self.transactional
        if executable and not wrap:
            lines.append("-- Not wrapped in a transaction: DROP INDEX CONCURRENTLY cannot run inside one; run this "
                         "file with psql, which sends one statement at a time.")
        if wrap:
            lines.append("BEGIN;")
        previous: tuple[int, str] | None = None
        for step in self.steps:
            # The sub-commands of one ALTER TABLE share the header of their statement.
            if (step.statement, step.original) != previous:
                first = step.original.splitlines()[0] if step.original else ""
                lines += ["", f"-- undo {_comment(step.tag)} statement {step.statement}: {_comment(first)}"]
                previous = (step.statement, step.original)
            if step.irreversible:
                lines.append(f"-- IRREVERSIBLE: {_comment(step.irreversible)}")
            elif step.sql is None:
                lines.append(f"-- nothing to undo: {_comment(step.note or 'no effect on the schema')}")
                continue
            if step.note and step.sql:
                lines.append(f"-- note: {_comment(step.note)}")
            if step.sql:
                lines.append(step.sql)
        if wrap:
            lines += ["", "COMMIT;"]
        return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """Text safe to put on one `--` comment line."""
    return " ".join(text.split())
