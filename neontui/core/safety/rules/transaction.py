"""Transaction control and settings: BEGIN/COMMIT inside a migration, SET lock_timeout/statement_timeout."""

from __future__ import annotations

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.model import RunMode


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
    if closes:
        # Under neontui's plan the statements after a COMMIT start the next transaction step.
        state.in_transaction = state.mode is RunMode.PLANNED
        state.end_transaction()
    elif opens:
        state.in_transaction = True


def variable_set(stmt: Statement, node: Node) -> None:
    name = node.get("name", "")
    if name == "lock_timeout":
        stmt.state.lock_timeout = True
    elif name == "statement_timeout":
        stmt.state.statement_timeout = True
