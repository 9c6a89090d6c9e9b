"""Data changes inside a migration: DELETE, UPDATE, INSERT … SELECT, and backfills beside DDL."""

from __future__ import annotations

from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.duplicates import assigned
from neontui.core.safety.rules.nodes import new_table, rel, show


def delete(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    if new_table(stmt.state, table):
        return
    if "whereClause" not in node:
        stmt.report("delete-without-where", f"DELETE without WHERE removes every row of {show(table)}",
                    lock=f"row locks on every row of {show(table)} until the run commits",
                    blocks=f"concurrent updates of {show(table)}")
    backfill(stmt, table, "DELETE")


def update(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    assigned(stmt, node.get("targetList"), table)
    if not new_table(stmt.state, table):
        backfill(stmt, table, "UPDATE")


def insert(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    assigned(stmt, node.get("cols"), table)
    assigned(stmt, node.get("onConflictClause", {}).get("targetList"), table)
    select = node.get("selectStmt", {}).get("SelectStmt", {})
    if "fromClause" in select and not new_table(stmt.state, table):
        backfill(stmt, table, "INSERT … SELECT")


def backfill(stmt: Statement, table: TableKey, what: str) -> None:
    stmt.state.touched.add(table)
    if stmt.state.in_transaction and table in stmt.state.ddl_tables:
        stmt.report("backfill-in-migration-transaction", f"{what} on {show(table)} runs in the same transaction as "
                    f"DDL on it, so the DDL's lock is held for the whole backfill",
                    lock=f"the DDL's lock on {show(table)} until the run commits",
                    blocks=f"reads and writes of {show(table)}")

