"""CREATE statements: tables, views, types, schemas, sequences, functions, databases."""

from __future__ import annotations

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.advice import column_alignment, column_type_advice, unqualified
from neontui.core.safety.rules.duplicates import composite_type, declared, table_as, view
from neontui.core.safety.rules.nodes import in_run_transaction, qualified, rel, show
from neontui.core.safety.rules.transaction import rerun_hazard
from neontui.core.sql.statements import declared_volatility
from neontui.core.sql.types import type_from_node


def create_table(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    state = stmt.state
    state.tables.add(table)
    columns: list[tuple[str, str, tuple[int, ...], Node]] = []
    for element in node.get("tableElts", ()):
        column = element.get("ColumnDef")
        if not column:
            continue
        name = column.get("colname", "")
        base, mods = type_from_node(column.get("typeName", {}))
        state.columns.add((table, name))
        state.column_types[(table, name)] = (base, mods)
        columns.append((name, base, mods, column))
    declared(stmt, table, node.get("tableElts"))
    for name, base, mods, column in columns:
        column_type_advice(stmt, table, name, base, mods, column)
    column_alignment(stmt, table, [(name, base) for name, base, _, _ in columns])
    unqualified(stmt, node["relation"])
    # A temporary table dies with the session (ON COMMIT DROP: with its statement's transaction), and a retry is
    # a new session, so it is created afresh.
    temporary = node["relation"].get("relpersistence") == "t"
    rerun_hazard(stmt, temporary or node.get("if_not_exists", False),
                 f"CREATE TABLE {show(table)} has no IF NOT EXISTS")


def create_table_as(stmt: Statement, node: Node) -> None:
    table_as(stmt, node)
    target = rel(node.get("into", {}).get("rel", {}))
    if node.get("objtype") == "OBJECT_MATVIEW":
        stmt.state.views.add(target)
    else:
        stmt.state.tables.add(target)


def create_view(stmt: Statement, node: Node) -> None:
    view(stmt, node)
    stmt.state.views.add(rel(node["view"]))


def create_type(stmt: Statement, node: Node) -> None:
    composite_type(stmt, node)
    stmt.state.types.add(rel(node["typevar"]) if "typevar" in node else qualified(node.get("typeName")))


def create_domain(stmt: Statement, node: Node) -> None:
    key = qualified(node.get("domainname"))
    stmt.state.types.add(key)
    if any(c.get("Constraint", {}).get("contype") == "CONSTR_CHECK" for c in node.get("constraints", ())):
        stmt.report("domain-constraint", f"domain {show(key)} has a CHECK: every column using it is validated "
                    "by a table scan when the constraint changes", lock="SHARE on every table using the domain")


def create_schema(stmt: Statement, node: Node) -> None:
    stmt.state.schemas.add(node.get("schemaname", ""))


def create_sequence(stmt: Statement, node: Node) -> None:
    stmt.state.sequences.add(rel(node["sequence"]))


def create_function(stmt: Statement, node: Node) -> None:
    # The body is not executed by the migration, so a DELETE inside it is not a finding.
    key = qualified(node.get("funcname"))
    stmt.state.functions.add(key)
    stmt.state.function_volatility[key] = declared_volatility(node)


def create_database(stmt: Statement, node: Node) -> None:
    if in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", "CREATE DATABASE cannot run inside the migration transaction")
