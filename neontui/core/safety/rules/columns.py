"""ALTER TABLE sub-commands on one column: add, drop, change the type, nullability, default, identity."""

from __future__ import annotations

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.advice import column_type_advice
from neontui.core.safety.rules.nodes import (
    SERIAL_TYPES,
    constraints,
    is_volatile,
    names,
    new_column,
    new_table,
    rel,
    schema_check_proves_not_null,
    show,
)
from neontui.core.safety.rules.transaction import rerun_hazard
from neontui.core.sql import versions
from neontui.core.sql.types import parse_type, type_from_node


def add_column(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    column = cmd["def"]["ColumnDef"]
    name = column.get("colname", "")
    base, mods = type_from_node(column.get("typeName", {}))
    state = stmt.state
    existing = not new_table(state, table)
    state.columns.add((table, name))
    state.column_types[(table, name)] = (base, mods)
    column_type_advice(stmt, table, name, base, mods, column)
    rerun_hazard(stmt, cmd.get("missing_ok", False), f'ADD COLUMN "{name}" has no IF NOT EXISTS')
    if not existing:
        return
    cons = {c["contype"]: c for c in constraints(column)}
    where, target = f'column "{name}" of {show(table)}', show(table)
    generated = cons.get("CONSTR_GENERATED")
    default = cons.get("CONSTR_DEFAULT")
    rewrite_lock = f"ACCESS EXCLUSIVE on {target} for the whole rewrite"
    if base in SERIAL_TYPES or "CONSTR_IDENTITY" in cons:
        kind = base if base in SERIAL_TYPES else "identity"
        stmt.report("add-column-serial-or-identity", f"adding {kind} {where} rewrites the table",
                    lock=rewrite_lock, blocks=f"reads and writes of {target}", table=table)
    elif generated and (generated.get("generated_kind") == "s" or not versions.virtual_generated_columns(stmt.pg)):
        stmt.report("add-column-generated-stored", f"adding the STORED generated {where} rewrites the table",
                    lock=rewrite_lock, blocks=f"reads and writes of {target}", table=table)
    elif default and ((volatile := is_volatile(stmt, default.get("raw_expr")))
                      or not versions.fast_column_default(stmt.pg)):
        why = "a volatile default" if volatile else "a default (before PostgreSQL 11)"
        stmt.report("add-column-volatile-default", f"adding {where} with {why} rewrites the table",
                    lock=rewrite_lock, blocks=f"reads and writes of {target}",
                    suggestion=suggest.volatile_default(stmt, table, name, default), table=table)
    elif "CONSTR_NOTNULL" in cons and not default and not generated:
        stmt.report("add-column-required-no-default", f"adding NOT NULL {where} without a default fails if "
                    f"{target} has rows, and breaks inserts of the running application",
                    suggestion=suggest.required_column(stmt, table, name), table=table)
    if "CONSTR_UNIQUE" in cons:
        stmt.report("add-unique-constraint", f"UNIQUE on the new {where} builds an index under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}", table=table)
    if "CONSTR_PRIMARY" in cons:
        stmt.report("add-primary-key", f"PRIMARY KEY on the new {where} builds an index under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}", table=table)
    if "CONSTR_FOREIGN" in cons:
        ref = show(rel(cons["CONSTR_FOREIGN"]["pktable"]))
        stmt.report("add-foreign-key-validating", f"REFERENCES {ref} on the new {where} takes SHARE ROW EXCLUSIVE "
                    f"on {target} and {ref}", lock=f"SHARE ROW EXCLUSIVE on {target} and {ref}",
                    blocks=f"writes to {target} and {ref}", table=table)
    if "CONSTR_CHECK" in cons:
        stmt.report("add-check-constraint-validating", f"CHECK on the new {where} is validated under ACCESS "
                    "EXCLUSIVE", lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}",
                    table=table)


def drop_column(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    rerun_hazard(stmt, cmd.get("missing_ok", False), f'DROP COLUMN "{name}" has no IF EXISTS')
    if not new_column(stmt.state, table, name):
        stmt.report("drop-column", f'DROP COLUMN "{name}" deletes its data from {show(table)}',
                    lock=f"ACCESS EXCLUSIVE on {show(table)} (brief)", blocks=f"reads and writes of {show(table)}",
                    suggestion=suggest.drop_column(table, name), table=table)
    stmt.state.columns.discard((table, name))


def alter_column_type(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    column = cmd.get("def", {}).get("ColumnDef", {})
    new = type_from_node(column.get("typeName", {}))
    state = stmt.state
    old = state.column_types.get((table, name))
    state.column_types[(table, name)] = new
    column_type_advice(stmt, table, name, *new, column)  # the new type, whether or not the change rewrites
    if new_table(state, table):
        return  # a column added to an existing table in this run still makes the table rewrite
    if old is None and (described := stmt.review.schema.column(table, name)) is not None:
        old = parse_type(described.type)
    if _plain_using(column.get("raw_default"), name) and old is not None and binary_coercible(old, new, stmt.pg):
        return
    was = f" from {old[0]}" if old else ""
    stmt.report("change-column-type", f'changing the type of "{name}" in {show(table)}{was} to {new[0]} rewrites '
                "the table and its indexes", lock=f"ACCESS EXCLUSIVE on {show(table)} for the whole rewrite",
                blocks=f"reads and writes of {show(table)}", suggestion=suggest.change_type(table, name, new[0]),
                table=table)


def set_not_null(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    state = stmt.state
    if new_table(state, table):
        return  # a column added to an existing table in this run is still checked row by row
    described = stmt.review.schema.column(table, name)
    if (table, name) not in state.columns and described is not None and described.not_null:
        return  # NOT NULL already before the run: PostgreSQL has nothing to check
    if versions.not_null_uses_check(stmt.pg) and ((table, name) in state.validated_not_null
                                                  or schema_check_proves_not_null(stmt, table, name)):
        return
    stmt.report("set-not-null", f'SET NOT NULL on "{name}" scans all of {show(table)} under ACCESS EXCLUSIVE',
                lock=f"ACCESS EXCLUSIVE on {show(table)} for the scan", blocks=f"reads and writes of {show(table)}",
                suggestion=suggest.set_not_null(table, name), table=table)


def drop_not_null(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    if not new_column(stmt.state, table, name):
        stmt.report("drop-not-null", f'DROP NOT NULL on "{name}" of {show(table)} lets readers receive NULLs')


def column_default(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    if "def" not in cmd and not new_column(stmt.state, table, name):
        stmt.report("drop-default", f'DROP DEFAULT on "{name}" of {show(table)} breaks inserts that relied on it')


def drop_expression(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_column(stmt.state, table, cmd.get("name", "")):
        stmt.report("drop-generated-expression", f'DROP EXPRESSION on "{cmd.get("name", "")}" of {show(table)} '
                    "stops maintaining its value")


def alter_identity(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_column(stmt.state, table, cmd.get("name", "")):
        stmt.report("alter-identity", f'changing the identity of "{cmd.get("name", "")}" in {show(table)} changes '
                    "which inserts succeed")


def _plain_using(using: Node | None, column: str) -> bool:
    """No USING, or one that only names the column, possibly cast (`USING "col"::text`): the conversion is the
    type's own, so a binary-coercible change still needs no rewrite."""
    while using and "TypeCast" in using:
        using = using["TypeCast"].get("arg")
    if not using:
        return True
    fields = using.get("ColumnRef", {}).get("fields")
    return bool(fields) and names(fields)[-1:] == [column]


def binary_coercible(old: tuple[str, tuple[int, ...]], new: tuple[str, tuple[int, ...]], pg: int) -> bool:
    """Type changes that need no rewrite (docs/review.md#type-changes-without-a-rewrite)."""
    (a, amods), (b, bmods) = old, new
    if old == new:
        return True
    if a == "varchar" and b == "varchar":
        return not bmods or (bool(amods) and bmods[0] >= amods[0])
    if a in ("varchar", "text") and b == "text":
        return True
    if a == "text" and b == "varchar" and not bmods:
        return True
    if a == "numeric" and b == "numeric":
        return not bmods or (len(amods) == 2 and len(bmods) == 2 and bmods[1] == amods[1] and bmods[0] >= amods[0])
    if (a, b) == ("cidr", "inet"):
        return True
    return {a, b} == {"timestamp", "timestamptz"} and versions.timestamptz_without_rewrite(pg)
