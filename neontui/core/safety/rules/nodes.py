"""Readers of libpg_query JSON nodes, and what the run itself created (`RunState`), shared by the rules."""

from __future__ import annotations

from typing import Any

from neontui.core.safety.engine import Node, RunState, Statement, TableKey
from neontui.core.safety.model import RunMode

SERIAL_TYPES = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}


# Functions whose result differs per row: as a column default they force a table rewrite. Other functions
# (now(), lower(), user-defined ones) are treated as non-volatile.
VOLATILE_FUNCTIONS = {"gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4",
                      "uuidv7", "random", "clock_timestamp", "timeofday", "nextval", "random_normal", "setseed"}


def rel(rangevar: Node) -> TableKey:
    return (rangevar.get("schemaname") or "public", rangevar.get("relname", ""))


def names(items: list[Node] | None) -> list[str]:
    return [i["String"]["sval"] for i in items or () if "String" in i]


def qualified(items: list[Node] | None) -> TableKey:
    parts = names(items)
    return (parts[-2] if len(parts) > 1 else "public", parts[-1] if parts else "")


def show(key: TableKey) -> str:
    schema, name = key
    return f'"{name}"' if schema == "public" else f'"{schema}"."{name}"'


def type_of(type_name: Node) -> tuple[str, tuple[int, ...]]:
    parts = names(type_name.get("names"))
    mods = tuple(m["A_Const"]["ival"].get("ival", 0) for m in type_name.get("typmods", ())
                 if "A_Const" in m and "ival" in m["A_Const"])
    base = parts[-1] if parts else ""
    if type_name.get("arrayBounds"):
        base += "[]"
    return base, mods


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


def is_volatile(expr: Node | None) -> bool:
    if not expr:
        return False
    for item in walk(expr):
        call = item.get("FuncCall")
        if call and (names(call.get("funcname")) or [""])[-1].lower() in VOLATILE_FUNCTIONS:
            return True
    return False


def object_key(obj: Node) -> TableKey:
    if "List" in obj:
        return qualified(obj["List"].get("items"))
    if "String" in obj:
        return ("public", obj["String"]["sval"])
    if "TypeName" in obj:
        return qualified(obj["TypeName"].get("names"))
    if "ObjectWithArgs" in obj:
        return qualified(obj["ObjectWithArgs"].get("objname"))
    return ("public", "")


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
