"""CREATE statements: tables, views, types, schemas, sequences, functions, databases."""

from __future__ import annotations

from collections import Counter

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.model import RunMode
from neontui.core.safety.rules.advice import column_alignment, column_type_advice, unqualified
from neontui.core.safety.rules.nodes import in_run_transaction, qualified, rel, show, type_of


def create_table(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    state = stmt.state
    state.tables.add(table)
    seen: Counter[str] = Counter()
    columns: list[tuple[str, str, tuple[int, ...], Node]] = []
    for element in node.get("tableElts", ()):
        column = element.get("ColumnDef")
        if not column:
            continue
        name = column.get("colname", "")
        seen[name] += 1
        base, mods = type_of(column.get("typeName", {}))
        state.columns.add((table, name))
        state.column_types[(table, name)] = (base, mods)
        columns.append((name, base, mods, column))
    for name, n in seen.items():
        if n > 1:
            stmt.report("duplicate-column-assignment", f'column "{name}" is declared {n} times in {show(table)}')
    for name, base, mods, column in columns:
        column_type_advice(stmt, table, name, base, mods, column)
    column_alignment(stmt, table, [(name, base) for name, base, _, _ in columns])
    unqualified(stmt, node["relation"])
    if stmt.state.mode is RunMode.AUTOCOMMIT and not node.get("if_not_exists"):
        stmt.report("non-idempotent-without-transaction", f"CREATE TABLE {show(table)} has no IF NOT EXISTS")


def create_table_as(stmt: Statement, node: Node) -> None:
    target = rel(node.get("into", {}).get("rel", {}))
    if node.get("objtype") == "OBJECT_MATVIEW":
        stmt.state.views.add(target)
    else:
        stmt.state.tables.add(target)


def create_view(stmt: Statement, node: Node) -> None:
    stmt.state.views.add(rel(node["view"]))


def create_type(stmt: Statement, node: Node) -> None:
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
    stmt.state.functions.add(qualified(node.get("funcname")))


def create_database(stmt: Statement, node: Node) -> None:
    if in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", "CREATE DATABASE cannot run inside the migration transaction")
