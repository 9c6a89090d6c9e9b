"""Enum types: creating one, adding and renaming values."""

from __future__ import annotations

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.nodes import in_run_transaction, qualified, show
from neontui.core.sql.statements import no_transaction


def create_enum(stmt: Statement, node: Node) -> None:
    key = qualified(node.get("typeName"))
    stmt.state.types.add(key)
    stmt.report("create-enum-type", f"enum type {show(key)} is hard to change later")


def alter_enum(stmt: Statement, node: Node) -> None:
    key = qualified(node.get("typeName"))
    state = stmt.state
    if node.get("oldVal"):
        if key not in state.types:
            stmt.report("rename-other-object", f"renaming enum value '{node['oldVal']}' of {show(key)} breaks "
                        "callers that use the old value")
        return
    label = node.get("newVal", "")
    if not node.get("newValNeighbor"):
        stmt.report("enum-add-value-unordered", f"'{label}' is appended at the end of {show(key)}")
    if not state.in_transaction or key in state.types:
        return  # a type created in the same transaction may use its new values at once
    if no_transaction("AlterEnumStmt", node, stmt.pg):
        if in_run_transaction(state):  # neontui's plan runs it as its own step on such servers
            stmt.report("enum-add-value-in-transaction", f"ALTER TYPE {show(key)} ADD VALUE cannot run inside "
                        "a transaction before PostgreSQL 12")
    else:
        state.new_enum_labels[label] = key
