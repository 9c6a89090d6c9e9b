"""Advisory rules about how a column or table is declared (types, alignment, schema qualification)."""

from __future__ import annotations

from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.nodes import SERIAL_TYPES, constraints, show
from neontui.core.sql.types import type_from_node

INT_TYPES = {"int4", "int2", "serial", "serial4", "smallserial", "serial2", "integer", "smallint"}
_TYPE_RULES = ("json-column", "prefer-identity", "prefer-bigint", "prefer-text-field", "prefer-timestamptz",
               "ban-char-field")  # every rule column_type_advice reports


def column_type_advice(stmt: Statement, table: TableKey, name: str, base: str, mods: tuple[int, ...],
                       column: Node) -> None:
    if not stmt.wants(*_TYPE_RULES):
        return
    where = f'"{name}" in {show(table)}'
    # An array is judged by its element type (type_from_node spells any array as the element's name + "[]"):
    # varchar(100)[] has varchar(100)'s limit, and widening it even rewrites the table.
    element = base.removesuffix("[]")
    array = "[]" if element != base else ""
    if element == "json":
        stmt.report("json-column", f"{where} is json{array}; jsonb supports equality and indexing")
    elif element in SERIAL_TYPES:
        stmt.report("prefer-identity", f"{where} is {base}; prefer an identity column")
    if element in INT_TYPES and _is_key(column):
        stmt.report("prefer-bigint", f"{where} is a 32-bit key; bigint does not run out")
    elif element == "varchar" and mods:  # varchar without a length has no limit: it behaves like text
        stmt.report("prefer-text-field", f"{where} is varchar({mods[0]}){array}; prefer text")
    elif element == "timestamp":
        stmt.report("prefer-timestamptz", f"{where} is timestamp{array} without time zone; prefer timestamptz")
    elif element == "bpchar":
        stmt.report("ban-char-field", f"{where} is char(n){array}; prefer text")


def _is_key(column: Node) -> bool:
    return any(c["contype"] in ("CONSTR_PRIMARY", "CONSTR_IDENTITY") for c in constraints(column)) or \
        type_from_node(column.get("typeName", {}))[0] in SERIAL_TYPES


_WIDTH = {"int8": 8, "float8": 8, "timestamp": 8, "timestamptz": 8, "bigserial": 8, "serial8": 8, "time": 8,
          "int4": 4, "float4": 4, "date": 4, "serial": 4, "serial4": 4, "int2": 2, "smallserial": 2, "bool": 1,
          "uuid": 16}


def column_alignment(stmt: Statement, table: TableKey, columns: list[tuple[str, str]]) -> None:
    if not stmt.wants("column-alignment"):
        return
    widths = [_WIDTH.get(base, 0) for _, base in columns]  # 0: variable width
    for i in range(1, len(widths)):
        if widths[i] == 8 and any(0 < w < 8 or w == 0 for w in widths[:i]):
            stmt.report("column-alignment", f'"{columns[i][0]}" in {show(table)} follows narrower or variable-width '
                        "columns; reorder to save padding")
            return


def unqualified(stmt: Statement, rangevar: Node) -> None:
    if not rangevar.get("schemaname"):
        stmt.report("require-table-schema", f'"{rangevar.get("relname", "")}" is not schema-qualified')
