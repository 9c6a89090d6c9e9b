"""ALTER TABLE (one inverse per sub-command, in reverse order) and ALTER DOMAIN."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ObjectType

from neontui.core.sql.rollback.naming import dotted, given, ident, if_exists, object_keyword, relation
from neontui.core.sql.rollback.undo import PRE_EXISTED, RECREATE, RESTORE, Undo, lost, noop

_ONLY_KINDS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE}


@dataclass(frozen=True)
class _Alter:
    prefix: str  # 'ALTER TABLE [IF EXISTS] [ONLY] "s"."t"'
    column: str  # "COLUMN", or "ATTRIBUTE" for ALTER TYPE


def alter_table(node: ast.AlterTableStmt) -> list[Undo]:
    # ALTER TYPE parses as inh=False
    only = " ONLY" if not given(node.relation).inh and node.objtype in _ONLY_KINDS else ""
    alter = _Alter(f"ALTER {object_keyword(node.objtype)}{if_exists(node.missing_ok)}{only} {relation(node.relation)}",
                   "ATTRIBUTE" if node.objtype == ObjectType.OBJECT_TYPE else "COLUMN")
    undos = []
    for cmd in reversed(given(node.cmds)):
        handler = _ALTER_TABLE.get(cmd.subtype)
        if handler is None:
            what = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cmd.subtype.name.removeprefix("AT_")).upper()
            undos.append(lost(f"no automatic inverse for ALTER {object_keyword(node.objtype)} … {what}"))
        else:
            undos.append(handler(cmd, alter))
    return undos


def _add_column(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    # Inline constraints, defaults, identity and serial sequences go away with the column.
    column: ast.ColumnDef = given(cmd.def_)  # type: ignore[assignment]  # ADD COLUMN's definition
    if cmd.missing_ok:
        return Undo(f"{alter.prefix} DROP {alter.column} IF EXISTS {ident(column.colname)};", note=PRE_EXISTED)
    return Undo(f"{alter.prefix} DROP {alter.column} {ident(column.colname)};")


def _add_constraint(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    constraint: ast.Constraint = given(cmd.def_)  # type: ignore[assignment]  # ADD CONSTRAINT's definition
    if not constraint.conname:
        return lost("unnamed constraint: look up the generated name (\\d in psql) and DROP CONSTRAINT it")
    note = None
    if constraint.indexname:
        note = (f"also drops index {ident(constraint.indexname)}, which the constraint took over (USING INDEX); "
                "recreate it if it existed before")
    return Undo(f"{alter.prefix} DROP CONSTRAINT {ident(constraint.conname)};", note=note)


def _set_not_null(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    return Undo(f"{alter.prefix} ALTER COLUMN {ident(cmd.name)} DROP NOT NULL;")


def _drop_not_null(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    return Undo(f"{alter.prefix} ALTER COLUMN {ident(cmd.name)} SET NOT NULL;",
                 note="fails if NULLs were stored in the column since the migration")


def _column_default(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    if cmd.def_ is None:  # DROP DEFAULT
        return lost(f"DROP DEFAULT on {ident(cmd.name)}: the previous default is unknown; SET DEFAULT it again by hand")
    return Undo(f"{alter.prefix} ALTER COLUMN {ident(cmd.name)} DROP DEFAULT;",
                 note="assumes there was no default before (the previous default is unknown)")


def _add_identity(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    return Undo(f"{alter.prefix} ALTER COLUMN {ident(cmd.name)} DROP IDENTITY;")


def _attach_partition(cmd: ast.AlterTableCmd, alter: _Alter) -> Undo:
    partition: ast.PartitionCmd = given(cmd.def_)  # type: ignore[assignment]  # ATTACH PARTITION's definition
    return Undo(f"{alter.prefix} DETACH PARTITION {relation(partition.name)};")


def _fixed(action: str) -> Callable[[ast.AlterTableCmd, _Alter], Undo]:
    return lambda cmd, alter: Undo(f"{alter.prefix} {action};")


def _lost_cmd(template: str) -> Callable[[ast.AlterTableCmd, _Alter], Undo]:
    return lambda cmd, alter: lost(template.format(name=ident(cmd.name or "")))


def _nothing_cmd(note: str) -> Callable[[ast.AlterTableCmd, _Alter], Undo]:
    return lambda cmd, alter: noop(note)


_ALTER_TABLE: dict[AlterTableType, Callable[[ast.AlterTableCmd, _Alter], Undo]] = {
    AlterTableType.AT_AddColumn: _add_column,
    AlterTableType.AT_AddConstraint: _add_constraint,
    AlterTableType.AT_SetNotNull: _set_not_null,
    AlterTableType.AT_DropNotNull: _drop_not_null,
    AlterTableType.AT_ColumnDefault: _column_default,
    AlterTableType.AT_AddIdentity: _add_identity,
    AlterTableType.AT_AttachPartition: _attach_partition,
    AlterTableType.AT_EnableRowSecurity: _fixed("DISABLE ROW LEVEL SECURITY"),
    AlterTableType.AT_DisableRowSecurity: _fixed("ENABLE ROW LEVEL SECURITY"),
    AlterTableType.AT_ForceRowSecurity: _fixed("NO FORCE ROW LEVEL SECURITY"),
    AlterTableType.AT_NoForceRowSecurity: _fixed("FORCE ROW LEVEL SECURITY"),
    AlterTableType.AT_SetLogged: _fixed("SET UNLOGGED"),
    AlterTableType.AT_SetUnLogged: _fixed("SET LOGGED"),
    AlterTableType.AT_ValidateConstraint: _nothing_cmd("VALIDATE CONSTRAINT only checks existing rows"),
    AlterTableType.AT_AlterColumnType: _lost_cmd(f"type change of {{name}}: the previous type is unknown and the "
                                                 f"conversion may have lost data; {RESTORE}"),
    AlterTableType.AT_DropColumn: _lost_cmd(f"DROP COLUMN {{name}} destroys data; {RESTORE}"),
    AlterTableType.AT_DropConstraint: _lost_cmd(f"DROP CONSTRAINT {{name}}: its definition is unknown; {RECREATE}"),
    AlterTableType.AT_DropIdentity: _lost_cmd(f"DROP IDENTITY on {{name}}: the identity options and sequence "
                                              f"position are lost; {RECREATE}"),
    AlterTableType.AT_DropExpression: _lost_cmd(f"DROP EXPRESSION on {{name}}: the generation expression is "
                                                f"unknown; {RECREATE}, or {RESTORE}"),
    AlterTableType.AT_DetachPartition: _lost_cmd("DETACH PARTITION: the partition bound is unknown; attach it "
                                                 "again by hand"),
}


def alter_domain(node: ast.AlterDomainStmt) -> list[Undo]:
    alter = f"ALTER DOMAIN {dotted(node.typeName)}"
    definition: Any = node.def_  # a Constraint for ADD CONSTRAINT ("C"), the default expression for "T"
    match node.subtype:
        case "C" if definition.conname:
            return [Undo(f"{alter} DROP CONSTRAINT {ident(definition.conname)};")]
        case "C":
            return [lost("unnamed domain constraint: look up the generated name (\\dD+ in psql) and DROP it")]
        case "O":  # SET NOT NULL
            return [Undo(f"{alter} DROP NOT NULL;")]
        case "N":
            return [Undo(f"{alter} SET NOT NULL;", note="fails if NULLs were stored in columns of the domain since")]
        case "T" if definition is not None:
            return [Undo(f"{alter} DROP DEFAULT;", note="assumes there was no default before (the previous default "
                                                         "is unknown)")]
        case "T":
            return [lost("DROP DEFAULT on the domain: the previous default is unknown; SET DEFAULT it again by hand")]
        case "V":
            return [noop("VALIDATE CONSTRAINT only checks existing rows")]
        case "X":
            return [lost(f"DROP CONSTRAINT {ident(node.name)} on the domain: its definition is unknown; {RECREATE}")]
    return [lost("no automatic inverse for this ALTER DOMAIN")]
