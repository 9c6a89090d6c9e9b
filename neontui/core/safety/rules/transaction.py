"""Transaction control and settings: BEGIN/COMMIT inside a migration, SET lock_timeout/statement_timeout, and
what a retry of a run without a transaction meets (non-idempotent-without-transaction)."""

from __future__ import annotations

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.model import RunMode

UNCOMMITTED = "uncommitted-transaction"


def transaction(stmt: Statement, node: Node) -> None:
    kind = node.get("kind", "")
    state = stmt.state
    opens = kind in ("TRANS_STMT_BEGIN", "TRANS_STMT_START")
    closes = kind in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED",
                      "TRANS_STMT_ROLLBACK_PREPARED")
    if state.mode is RunMode.TRANSACTION:  # the planned mode turns COMMIT/BEGIN into step boundaries
        word = kind.removeprefix("TRANS_STMT_").replace("_", " ")
        stmt.report("transaction-control-in-migration", f"{word} inside the migration: the runner's transaction is "
                    + ("committed early here; the statements after it run outside any transaction" if closes
                       else "already open" if opens else "managed by the runner"),
                    suggestion="-- remove this statement; neontui migrate runs no-transaction steps on its own")
    elif state.mode is RunMode.AUTOCOMMIT:
        _own_transaction(stmt, kind, opens)
    if closes:
        # Under neontui's plan the statements after a COMMIT start the next transaction step.
        state.in_transaction = state.mode is RunMode.PLANNED
        state.end_transaction()
    elif opens:
        state.in_transaction = True


def _own_transaction(stmt: Statement, kind: str, opens: bool) -> None:
    """Without a runner's transaction the file's own BEGIN is real: a transaction it leaves open is rolled back when
    the migrator disconnects, and one it rolls back is undone, while the run reports success."""
    if opens and not stmt.state.in_transaction:
        word = "BEGIN" if kind == "TRANS_STMT_BEGIN" else "START TRANSACTION"
        stmt.report(UNCOMMITTED, f"{word} opens a transaction that no COMMIT closes: it is rolled back when the "
                    "migrator disconnects, undoing every statement after it")
    elif stmt.state.in_transaction and kind in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK"):
        # The BEGIN's report is the last one of the rule: a nested BEGIN is not reported, so one is open at a time.
        findings = stmt.review.findings
        last = next((i for i in range(len(findings) - 1, -1, -1) if findings[i].rule == UNCOMMITTED), None)
        if last is not None:
            del findings[last]
        if kind == "TRANS_STMT_ROLLBACK":
            stmt.report(UNCOMMITTED, "ROLLBACK undoes every statement since the file's BEGIN")


def rerun_hazard(stmt: Statement, guarded: bool, message: str) -> None:
    """non-idempotent-without-transaction: without a transaction (drizzle's neon-http migrator) a run that fails half
    way leaves what it did, and the retry starts the file from the top; a statement without IF [NOT] EXISTS then
    fails on its own first attempt. Inside the file's own BEGIN … COMMIT a failure rolls the whole block back."""
    state = stmt.state
    if state.mode is RunMode.AUTOCOMMIT and not state.in_transaction and not guarded:
        stmt.report("non-idempotent-without-transaction", message)


def variable_set(stmt: Statement, node: Node) -> None:
    name = node.get("name", "")
    if name == "lock_timeout":
        stmt.state.lock_timeout = True
    elif name == "statement_timeout":
        stmt.state.statement_timeout = True
