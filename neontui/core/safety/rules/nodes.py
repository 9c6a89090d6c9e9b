"""Readers of libpg_query JSON nodes, and what the run itself created (`RunState`), shared by the rules."""

from __future__ import annotations

from typing import Any

from neontui.core.safety.engine import Node, RunState, Statement, TableKey
from neontui.core.safety.model import RunMode
from neontui.core.schema import ConstraintKind, Volatility
from neontui.core.schema.names import SERIALS

# The naming readers live in core.sql.nodes (the replay reads statements too); the rules import them from here.
from neontui.core.sql.nodes import names, qualified
from neontui.core.sql.nodes import object_key as object_key
from neontui.core.sql.nodes import rel as rel
from neontui.core.sql.statements import builtin_volatility
from neontui.core.sql.types import expression_node

SERIAL_TYPES = frozenset(SERIALS)


def show(key: TableKey) -> str:
    schema, name = key
    return f'"{name}"' if schema == "public" else f'"{schema}"."{name}"'


def constraints(column_def: Node) -> list[Node]:
    return [c["Constraint"] for c in column_def.get("constraints", ()) if "Constraint" in c]


def walk(node: Any) -> Any:
    """Every dict in a JSON parse tree (depth first)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def is_volatile(stmt: Statement, expr: Node | None) -> bool:
    """Does `expr` call a VOLATILE function (evaluated per row: as a column default it rewrites the table)?"""
    return any(function_volatility(stmt, qualified(call.get("funcname"), "pg_catalog")) is Volatility.VOLATILE
               for item in walk(expr or {}) if (call := item.get("FuncCall")))


def function_volatility(stmt: Statement, key: TableKey) -> Volatility:
    """A function made in the run, else the schema's, else PostgreSQL's own; unknown is VOLATILE, CREATE FUNCTION's
    default (docs/review.md#what-the-schema-decides). An unqualified name is looked up in public, then pg_catalog."""
    candidates = [key] if key[0] != "pg_catalog" else [("public", key[1]), key]
    for candidate in candidates:
        found = stmt.state.function_volatility.get(candidate) or stmt.review.schema.functions.get(candidate)
        if found is not None:
            return found
    builtin = builtin_volatility(key[1]) if key[0] == "pg_catalog" else None
    return builtin or Volatility.VOLATILE


def not_null_columns(expr: Node | None) -> tuple[str, ...]:
    """Columns that a CHECK expression proves NOT NULL: `c IS NOT NULL` (possibly AND-ed)."""
    found = []
    for item in walk(expr or {}):
        test = item.get("NullTest")
        if test and test.get("nulltesttype") == "IS_NOT_NULL":
            fields = names(test.get("arg", {}).get("ColumnRef", {}).get("fields"))
            if fields:
                found.append(fields[-1])
    return tuple(found)


def schema_not_null_check(stmt: Statement, table: TableKey, name: str, *,
                          validated: bool | None = None) -> tuple[str, ...]:
    """The columns the schema's CHECK `name` on `table` proves NOT NULL, if it is in the state asked (validated,
    NOT VALID, or None: either); () when the schema does not describe it."""
    described = stmt.review.schema.table(table)
    con = described.constraints.get(name) if described else None
    if con is None or con.kind is not ConstraintKind.CHECK or not con.expression or validated not in (None,
                                                                                                   con.validated):
        return ()
    return not_null_columns(expression_node(con.expression))


def schema_check_proves_not_null(stmt: Statement, table: TableKey, column: str) -> bool:
    """Does a validated CHECK of the schema before the run prove `column` NOT NULL (SET NOT NULL then skips its scan
    on PostgreSQL 12+)?"""
    described = stmt.review.schema.table(table)
    return described is not None and any(column in schema_not_null_check(stmt, table, name, validated=True)
                                         for name in described.constraints)


def note_ddl(stmt: Statement, table: TableKey) -> None:
    stmt.state.touched.add(table)
    if stmt.state.in_transaction:
        stmt.state.ddl_tables.add(table)


def in_run_transaction(state: RunState) -> bool:
    """Would a no-transaction statement here fail? Not under neontui's plan, which runs it as its own step."""
    return state.in_transaction and state.mode is not RunMode.PLANNED


def new_table(state: RunState, table: TableKey) -> bool:
    return table in state.tables


def new_column(state: RunState, table: TableKey, column: str) -> bool:
    return table in state.tables or (table, column) in state.columns
