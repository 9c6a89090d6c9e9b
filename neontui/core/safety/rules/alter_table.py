"""ALTER TABLE: each sub-command dispatched to its handler, and the table-wide sub-commands."""

from __future__ import annotations

from collections.abc import Callable

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.advice import unqualified
from neontui.core.safety.rules.columns import (
    add_column,
    alter_column_type,
    alter_identity,
    column_default,
    drop_column,
    drop_expression,
    drop_not_null,
    set_not_null,
)
from neontui.core.safety.rules.constraints import add_constraint, drop_constraint, validate_constraint
from neontui.core.safety.rules.duplicates import added
from neontui.core.safety.rules.nodes import in_run_transaction, new_table, note_ddl, rel, show
from neontui.core.sql import versions


def alter_table(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    if node.get("objtype", "OBJECT_TABLE") not in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
        return
    commands = [item["AlterTableCmd"] for item in node.get("cmds", ()) if "AlterTableCmd" in item]
    for cmd in commands:
        handler = ALTER_TABLE.get(cmd["subtype"])
        if handler is not None:
            handler(stmt, table, cmd, len(node["cmds"]) == 1)
    added(stmt, table, commands)
    if not new_table(stmt.state, table):
        note_ddl(stmt, table)
    unqualified(stmt, node["relation"])


def rewrite_other(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_table(stmt.state, table):
        what = cmd["subtype"].removeprefix("AT_").replace("UnLogged", "Unlogged")
        stmt.report("table-rewrite-other", f"{what} rewrites {show(table)} under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {show(table)}", blocks=f"reads and writes of {show(table)}", table=table)


def detach_partition(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    part = cmd.get("def", {}).get("PartitionCmd", {})
    if part.get("concurrent"):
        if in_run_transaction(stmt.state):
            stmt.report("cannot-run-in-transaction", "DETACH PARTITION … CONCURRENTLY cannot run inside the "
                        "migration transaction", suggestion=suggest.outside_transaction(stmt.text))
    else:
        stmt.report("detach-partition-non-concurrent", f"DETACH PARTITION on {show(table)} takes ACCESS EXCLUSIVE "
                    "on the parent and the partition", lock=f"ACCESS EXCLUSIVE on {show(table)}",
                    blocks=f"reads and writes of {show(table)}",
                    suggestion=suggest.concurrently_after(stmt.text, r"DETACH\s+PARTITION\s+\S+")
                    if versions.detach_concurrently(stmt.pg) else None)


def enable_rls(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_table(stmt.state, table):
        stmt.report("enable-rls", f"row level security on {show(table)}: roles without a policy see no rows")


ALTER_TABLE: dict[str, Callable[[Statement, TableKey, Node, bool], None]] = {
    "AT_AddColumn": add_column, "AT_DropColumn": drop_column, "AT_AlterColumnType": alter_column_type,
    "AT_SetNotNull": set_not_null, "AT_DropNotNull": drop_not_null, "AT_ColumnDefault": column_default,
    "AT_AddConstraint": add_constraint, "AT_ValidateConstraint": validate_constraint,
    "AT_DropConstraint": drop_constraint, "AT_DropExpression": drop_expression, "AT_AddIdentity": alter_identity,
    "AT_DropIdentity": alter_identity, "AT_SetIdentity": alter_identity, "AT_SetLogged": rewrite_other,
    "AT_SetUnLogged": rewrite_other, "AT_SetTableSpace": rewrite_other, "AT_SetAccessMethod": rewrite_other,
    "AT_DetachPartition": detach_partition, "AT_EnableRowSecurity": enable_rls, "AT_ForceRowSecurity": enable_rls,
}
