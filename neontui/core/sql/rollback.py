"""Rollback SQL for one migration: the inverse of each statement, in reverse order.

Statements are parsed with pglast, chunk by chunk exactly as drizzle splits the file (journal.split_statements), and
each statement is inverted through a dispatch table on its node type (and, for ALTER TABLE, on the sub-command type).
Whatever cannot be undone from the SQL alone (dropped data, previous types, defaults or definitions) becomes an
irreversible step whose reason says how to recover; it never gets made-up SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pglast
from pglast import ast
from pglast.enums import AlterTableType, DropBehavior, FunctionParameterMode, ObjectType
from pglast.parser import ParseError, scan
from pglast.stream import RawStream

from neontui.core.drizzle.journal import Migration

RESTORE = "restore from a restore point or a Neon branch"
RECREATE = "recreate it from the previous migration's definition"
PRE_EXISTED = "created with IF NOT EXISTS: it may have existed before this migration; check before dropping"
DO_GUARDED = "inside a DO block that ignores errors: it may have existed before this migration; check before undoing"
DO_CONDITIONAL = "inside a conditional (IF) in a DO block: it may not have run; check before undoing"


@dataclass(frozen=True)
class RollbackStep:
    tag: str
    statement: int  # 0-based chunk index in drizzle's split (journal.split_statements)
    original: str  # the original statement, stripped, for display (one statement; a chunk may hold several)
    sql: str | None  # the inverse SQL (ends with ';'), None when irreversible or nothing to undo
    irreversible: str | None  # why it cannot be undone automatically, and how to recover instead
    note: str | None = None  # caveat for the inverse, or why nothing needs undoing


@dataclass(frozen=True)
class RollbackPlan:
    tag: str
    steps: tuple[RollbackStep, ...]  # already in rollback (reverse) order

    @property
    def reversible(self) -> bool:
        return not any(step.irreversible for step in self.steps)

    @property
    def transactional(self) -> bool:
        """False when a step cannot run inside a transaction block (DROP INDEX CONCURRENTLY)."""
        return not any(step.sql and step.sql.startswith("DROP INDEX CONCURRENTLY") for step in self.steps)

    def render(self) -> str:
        irreversible = sum(1 for step in self.steps if step.irreversible)
        executable = [step for step in self.steps if step.sql]
        lines = [f"-- neontui rollback for migration {_comment(self.tag)}",
                 "-- Derived from the migration's SQL, statements undone in reverse order; review before running."]
        if not self.steps:
            lines.append("-- Nothing to undo: the migration has no statements.")
        if irreversible:
            lines.append(f"-- NOT FULLY REVERSIBLE: {irreversible} step(s) cannot be undone automatically "
                         "(see IRREVERSIBLE below).")
        wrap = bool(executable) and self.transactional
        if executable and not wrap:
            lines.append("-- Not wrapped in a transaction: DROP INDEX CONCURRENTLY cannot run inside one; run this "
                         "file with psql, which sends one statement at a time.")
        if wrap:
            lines.append("BEGIN;")
        previous: tuple[int, str] | None = None
        for step in self.steps:
            # The sub-commands of one ALTER TABLE share the header of their statement.
            if (step.statement, step.original) != previous:
                first = step.original.splitlines()[0] if step.original else ""
                lines += ["", f"-- undo {_comment(step.tag)} statement {step.statement}: {_comment(first)}"]
                previous = (step.statement, step.original)
            if step.irreversible:
                lines.append(f"-- IRREVERSIBLE: {_comment(step.irreversible)}")
            elif step.sql is None:
                lines.append(f"-- nothing to undo: {_comment(step.note or 'no effect on the schema')}")
                continue
            if step.note and step.sql:
                lines.append(f"-- note: {_comment(step.note)}")
            if step.sql:
                lines.append(step.sql)
        if wrap:
            lines += ["", "COMMIT;"]
        return "\n".join(lines) + "\n"


def rollback_sql(migration: Migration) -> str:
    return rollback_plan(migration).render()


def rollback_plan(migration: Migration) -> RollbackPlan:
    if not migration.exists:
        missing = RollbackStep(migration.tag, 0, "", None, f"{migration.path.name} is missing: the statements to "
                               f"undo are unknown; {RESTORE}")
        return RollbackPlan(migration.tag, (missing,))
    groups: list[list[RollbackStep]] = []  # one group per statement, each already in rollback order
    for index, chunk in enumerate(migration.statements):
        if not chunk.strip():
            continue
        try:
            raws = pglast.parse_sql(chunk)
        except ParseError as exc:
            groups.append([RollbackStep(migration.tag, index, _display(chunk), None, f"cannot parse: {exc.args[0]}")])
            continue
        for raw in raws:
            text = _statement_text(chunk, raw)
            groups.append([RollbackStep(migration.tag, index, original or text, undo.sql, undo.irreversible, undo.note)
                           for original, undo in _invert(raw.stmt, text)])
    return RollbackPlan(migration.tag, tuple(step for group in reversed(groups) for step in group))


# -- inverses -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Undo:
    sql: str | None = None
    irreversible: str | None = None
    note: str | None = None


def _lost(reason: str) -> _Undo:
    return _Undo(irreversible=reason)


def _noop(note: str) -> _Undo:
    return _Undo(note=note)


def _invert(node: ast.Node, text: str) -> list[tuple[str | None, _Undo]]:
    """(original override, undo) pairs in rollback order; the override is set only for statements inside DO."""
    if isinstance(node, ast.DoStmt):
        return _do_block(node, text)
    handler = _HANDLERS.get(type(node))
    if handler is None:
        return [(None, _lost(f"no automatic inverse for {_kind_words(text)}"))]
    return [(None, undo) for undo in handler(node)]


# Identifiers are always quoted so the user's exact names (case, spaces) survive.
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _names(parts: Iterable[Any]) -> str:
    return ".".join(_q(part.sval) for part in parts)


def _rel(rv: ast.RangeVar, name: str | None = None) -> str:
    """A relation as the migration named it (schema-qualified only when it was), optionally with another name."""
    parts = [p for p in (rv.catalogname, rv.schemaname) if p]
    return ".".join(_q(p) for p in [*parts, name or rv.relname])


def _in_schema(schema: str | None, name: str) -> str:
    return f"{_q(schema)}.{_q(name)}" if schema else _q(name)


def _if_exists(flag: bool | None) -> str:
    return " IF EXISTS" if flag else ""


_KEYWORDS = {
    ObjectType.OBJECT_MATVIEW: "MATERIALIZED VIEW", ObjectType.OBJECT_FOREIGN_TABLE: "FOREIGN TABLE",
    ObjectType.OBJECT_TABCONSTRAINT: "CONSTRAINT", ObjectType.OBJECT_DOMCONSTRAINT: "CONSTRAINT",
}
_RELATION_KINDS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_INDEX,
                   ObjectType.OBJECT_SEQUENCE, ObjectType.OBJECT_FOREIGN_TABLE}
_ROUTINE_KINDS = {ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE, ObjectType.OBJECT_ROUTINE,
                  ObjectType.OBJECT_AGGREGATE}
_ONLY_KINDS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE}
_ON_TABLE_KINDS = {ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_POLICY, ObjectType.OBJECT_RULE}


def _keyword(kind: ObjectType) -> str:
    return _KEYWORDS.get(kind) or kind.name.removeprefix("OBJECT_").replace("_", " ")


def _type_sql(node: ast.Node) -> str:
    return RawStream()(node)


def _routine(obj: ast.ObjectWithArgs, name: str | None = None, schema: str | None = None) -> str:
    """`"s"."f"(integer, text)`, optionally renamed or moved to another schema."""
    parts = [p.sval for p in obj.objname]
    if name is not None:
        parts[-1] = name
    if schema is not None:
        parts = [schema, parts[-1]]
    args = "" if obj.args_unspecified else "(" + ", ".join(_type_sql(t) for t in obj.objargs or ()) + ")"
    return ".".join(_q(p) for p in parts) + args


# CREATE … → DROP …


def _create_table(node: ast.CreateStmt) -> list[_Undo]:
    if node.if_not_exists:
        return [_Undo(f"DROP TABLE IF EXISTS {_rel(node.relation)};", note=PRE_EXISTED)]
    return [_Undo(f"DROP TABLE {_rel(node.relation)};")]


def _create_table_as(node: ast.CreateTableAsStmt) -> list[_Undo]:
    keyword = _keyword(node.objtype)
    if node.if_not_exists:
        return [_Undo(f"DROP {keyword} IF EXISTS {_rel(node.into.rel)};", note=PRE_EXISTED)]
    return [_Undo(f"DROP {keyword} {_rel(node.into.rel)};")]


def _create_index(node: ast.IndexStmt) -> list[_Undo]:
    if not node.idxname:
        return [_lost(f"unnamed index on {_rel(node.relation)}: look up the name PostgreSQL gave it and DROP INDEX it")]
    # An index always lives in its table's schema.
    name = _in_schema(node.relation.schemaname, node.idxname)
    concurrently = " CONCURRENTLY" if node.concurrent else ""
    if node.if_not_exists:
        return [_Undo(f"DROP INDEX{concurrently} IF EXISTS {name};", note=PRE_EXISTED)]
    return [_Undo(f"DROP INDEX{concurrently} {name};")]


def _create_enum(node: ast.CreateEnumStmt) -> list[_Undo]:
    return [_Undo(f"DROP TYPE {_names(node.typeName)};")]


def _create_range(node: ast.CreateRangeStmt) -> list[_Undo]:
    return [_Undo(f"DROP TYPE {_names(node.typeName)};")]


def _create_composite(node: ast.CompositeTypeStmt) -> list[_Undo]:
    return [_Undo(f"DROP TYPE {_rel(node.typevar)};")]


def _create_domain(node: ast.CreateDomainStmt) -> list[_Undo]:
    return [_Undo(f"DROP DOMAIN {_names(node.domainname)};")]


def _create_schema(node: ast.CreateSchemaStmt) -> list[_Undo]:
    name = node.schemaname or node.authrole.rolename  # CREATE SCHEMA AUTHORIZATION r names the schema after r
    cascade, note = (" CASCADE", "also drops the objects created with the schema") if node.schemaElts else ("", None)
    if node.if_not_exists:
        return [_Undo(f"DROP SCHEMA IF EXISTS {_q(name)}{cascade};", note=PRE_EXISTED)]
    return [_Undo(f"DROP SCHEMA {_q(name)}{cascade};", note=note)]


def _create_sequence(node: ast.CreateSeqStmt) -> list[_Undo]:
    if node.if_not_exists:
        return [_Undo(f"DROP SEQUENCE IF EXISTS {_rel(node.sequence)};", note=PRE_EXISTED)]
    return [_Undo(f"DROP SEQUENCE {_rel(node.sequence)};")]


def _create_view(node: ast.ViewStmt) -> list[_Undo]:
    drop = f"DROP VIEW {_rel(node.view)}"
    if node.replace:
        return [_lost(f"CREATE OR REPLACE VIEW {_rel(node.view)}: the previous definition is unknown; {RECREATE} "
                      f"(if the view did not exist before: {drop})")]
    return [_Undo(f"{drop};")]


_ARG_MODES = {FunctionParameterMode.FUNC_PARAM_IN, FunctionParameterMode.FUNC_PARAM_INOUT,
              FunctionParameterMode.FUNC_PARAM_VARIADIC, FunctionParameterMode.FUNC_PARAM_DEFAULT}


def _create_function(node: ast.CreateFunctionStmt) -> list[_Undo]:
    # DROP FUNCTION identifies the function by its input argument types only.
    args = ", ".join(_type_sql(p.argType) for p in node.parameters or () if p.mode in _ARG_MODES)
    keyword = "PROCEDURE" if node.is_procedure else "FUNCTION"
    drop = f"DROP {keyword} {_names(node.funcname)}({args})"
    if node.replace:
        return [_lost(f"CREATE OR REPLACE {keyword}: the previous body is unknown; {RECREATE} "
                      f"(if it did not exist before: {drop})")]
    return [_Undo(f"{drop};")]


def _create_extension(node: ast.CreateExtensionStmt) -> list[_Undo]:
    if node.if_not_exists:
        return [_Undo(f"DROP EXTENSION IF EXISTS {_q(node.extname)};", note=PRE_EXISTED)]
    return [_Undo(f"DROP EXTENSION {_q(node.extname)};")]


def _create_policy(node: ast.CreatePolicyStmt) -> list[_Undo]:
    return [_Undo(f"DROP POLICY {_q(node.policy_name)} ON {_rel(node.table)};")]


def _create_trigger(node: ast.CreateTrigStmt) -> list[_Undo]:
    drop = f"DROP TRIGGER {_q(node.trigname)} ON {_rel(node.relation)}"
    if node.replace:
        return [_lost(f"CREATE OR REPLACE TRIGGER: the previous definition is unknown; {RECREATE} "
                      f"(if it did not exist before: {drop})")]
    return [_Undo(f"{drop};")]


def _create_role(node: ast.CreateRoleStmt) -> list[_Undo]:
    return [_Undo(f"DROP ROLE {_q(node.role)};")]


def _grant(node: ast.GrantStmt) -> list[_Undo]:
    if not node.is_grant:
        return [_lost("REVOKE: the previous privileges are unknown; grant them again by hand")]
    node.is_grant, node.grant_option = False, False  # our own parse tree: flip it and deparse the REVOKE
    return [_Undo(RawStream()(node) + ";", note="assumes the privileges were not held before")]


# ALTER TABLE: one inverse per sub-command, in reverse order


@dataclass(frozen=True)
class _Alter:
    prefix: str  # 'ALTER TABLE [IF EXISTS] [ONLY] "s"."t"'
    column: str  # "COLUMN", or "ATTRIBUTE" for ALTER TYPE


def _alter_table(node: ast.AlterTableStmt) -> list[_Undo]:
    only = " ONLY" if not node.relation.inh and node.objtype in _ONLY_KINDS else ""  # ALTER TYPE parses as inh=False
    alter = _Alter(f"ALTER {_keyword(node.objtype)}{_if_exists(node.missing_ok)}{only} {_rel(node.relation)}",
                   "ATTRIBUTE" if node.objtype == ObjectType.OBJECT_TYPE else "COLUMN")
    undos = []
    for cmd in reversed(node.cmds):
        handler = _ALTER_TABLE.get(cmd.subtype)
        if handler is None:
            what = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cmd.subtype.name.removeprefix("AT_")).upper()
            undos.append(_lost(f"no automatic inverse for ALTER {_keyword(node.objtype)} … {what}"))
        else:
            undos.append(handler(cmd, alter))
    return undos


def _add_column(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    # Inline constraints, defaults, identity and serial sequences go away with the column.
    if cmd.missing_ok:
        return _Undo(f"{alter.prefix} DROP {alter.column} IF EXISTS {_q(cmd.def_.colname)};", note=PRE_EXISTED)
    return _Undo(f"{alter.prefix} DROP {alter.column} {_q(cmd.def_.colname)};")


def _add_constraint(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    constraint = cmd.def_
    if not constraint.conname:
        return _lost("unnamed constraint: look up the generated name (\\d in psql) and DROP CONSTRAINT it")
    note = None
    if constraint.indexname:
        note = (f"also drops index {_q(constraint.indexname)}, which the constraint took over (USING INDEX); "
                "recreate it if it existed before")
    return _Undo(f"{alter.prefix} DROP CONSTRAINT {_q(constraint.conname)};", note=note)


def _set_not_null(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    return _Undo(f"{alter.prefix} ALTER COLUMN {_q(cmd.name)} DROP NOT NULL;")


def _drop_not_null(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    return _Undo(f"{alter.prefix} ALTER COLUMN {_q(cmd.name)} SET NOT NULL;",
                 note="fails if NULLs were stored in the column since the migration")


def _column_default(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    if cmd.def_ is None:  # DROP DEFAULT
        return _lost(f"DROP DEFAULT on {_q(cmd.name)}: the previous default is unknown; SET DEFAULT it again by hand")
    return _Undo(f"{alter.prefix} ALTER COLUMN {_q(cmd.name)} DROP DEFAULT;",
                 note="assumes there was no default before (the previous default is unknown)")


def _add_identity(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    return _Undo(f"{alter.prefix} ALTER COLUMN {_q(cmd.name)} DROP IDENTITY;")


def _attach_partition(cmd: ast.AlterTableCmd, alter: _Alter) -> _Undo:
    return _Undo(f"{alter.prefix} DETACH PARTITION {_rel(cmd.def_.name)};")


def _fixed(action: str) -> Callable[[ast.AlterTableCmd, _Alter], _Undo]:
    return lambda cmd, alter: _Undo(f"{alter.prefix} {action};")


def _lost_cmd(template: str) -> Callable[[ast.AlterTableCmd, _Alter], _Undo]:
    return lambda cmd, alter: _lost(template.format(name=_q(cmd.name or "")))


def _nothing_cmd(note: str) -> Callable[[ast.AlterTableCmd, _Alter], _Undo]:
    return lambda cmd, alter: _noop(note)


_ALTER_TABLE: dict[AlterTableType, Callable[[ast.AlterTableCmd, _Alter], _Undo]] = {
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


def _alter_domain(node: ast.AlterDomainStmt) -> list[_Undo]:
    alter = f"ALTER DOMAIN {_names(node.typeName)}"
    match node.subtype:
        case "C" if node.def_.conname:
            return [_Undo(f"{alter} DROP CONSTRAINT {_q(node.def_.conname)};")]
        case "C":
            return [_lost("unnamed domain constraint: look up the generated name (\\dD+ in psql) and DROP it")]
        case "O":  # SET NOT NULL
            return [_Undo(f"{alter} DROP NOT NULL;")]
        case "N":
            return [_Undo(f"{alter} SET NOT NULL;", note="fails if NULLs were stored in columns of the domain since")]
        case "T" if node.def_ is not None:
            return [_Undo(f"{alter} DROP DEFAULT;", note="assumes there was no default before (the previous default "
                                                         "is unknown)")]
        case "T":
            return [_lost("DROP DEFAULT on the domain: the previous default is unknown; SET DEFAULT it again by hand")]
        case "V":
            return [_noop("VALIDATE CONSTRAINT only checks existing rows")]
        case "X":
            return [_lost(f"DROP CONSTRAINT {_q(node.name)} on the domain: its definition is unknown; {RECREATE}")]
    return [_lost("no automatic inverse for this ALTER DOMAIN")]


# Renames and schema moves


def _rename(node: ast.RenameStmt) -> list[_Undo]:
    kind, old, new = node.renameType, node.subname, node.newname
    exists = _if_exists(node.missing_ok)
    if kind in _RELATION_KINDS:  # ALTER TABLE "s"."old" RENAME TO "new": the new name is in the same schema
        old = node.relation.relname
        sql = f"ALTER {_keyword(kind)}{exists} {_rel(node.relation, new)} RENAME TO {_q(old)};"
    elif kind in (ObjectType.OBJECT_COLUMN, ObjectType.OBJECT_ATTRIBUTE):
        owner = node.relationType if kind == ObjectType.OBJECT_COLUMN else ObjectType.OBJECT_TYPE
        word = _keyword(kind)
        sql = f"ALTER {_keyword(owner)}{exists} {_rel(node.relation)} RENAME {word} {_q(new)} TO {_q(old)};"
    elif kind == ObjectType.OBJECT_TABCONSTRAINT:
        sql = f"ALTER TABLE{exists} {_rel(node.relation)} RENAME CONSTRAINT {_q(new)} TO {_q(old)};"
    elif kind == ObjectType.OBJECT_DOMCONSTRAINT:
        sql = f"ALTER DOMAIN {_names(node.object)} RENAME CONSTRAINT {_q(new)} TO {_q(old)};"
    elif kind in _ON_TABLE_KINDS:
        sql = f"ALTER {_keyword(kind)} {_q(new)} ON {_rel(node.relation)} RENAME TO {_q(old)};"
    elif kind in _ROUTINE_KINDS:
        old = node.object.objname[-1].sval
        sql = f"ALTER {_keyword(kind)} {_routine(node.object, name=new)} RENAME TO {_q(old)};"
    elif kind in (ObjectType.OBJECT_SCHEMA, ObjectType.OBJECT_ROLE):
        sql = f"ALTER {_keyword(kind)} {_q(new)} RENAME TO {_q(old)};"
    elif isinstance(node.object, tuple) and all(isinstance(p, ast.String) for p in node.object):
        parts = [p.sval for p in node.object]  # TYPE, DOMAIN, COLLATION…: "schema"."name"
        sql = f"ALTER {_keyword(kind)} {'.'.join(_q(p) for p in [*parts[:-1], new])} RENAME TO {_q(parts[-1])};"
    else:
        return [_lost(f"no automatic inverse for ALTER {_keyword(kind)} … RENAME")]
    return [_Undo(sql)]


def _set_schema(node: ast.AlterObjectSchemaStmt) -> list[_Undo]:
    kind, new = node.objectType, node.newschema
    note = None
    if node.relation is not None:  # tables, views, sequences…
        old, name = node.relation.schemaname, node.relation.relname
        target = f"{_q(new)}.{_q(name)}"
    elif kind in _ROUTINE_KINDS:
        parts = [p.sval for p in node.object.objname]
        old = parts[0] if len(parts) > 1 else None
        target = _routine(node.object, schema=new)
    elif isinstance(node.object, tuple) and all(isinstance(p, ast.String) for p in node.object):
        parts = [p.sval for p in node.object]
        old = parts[0] if len(parts) > 1 else None
        target = f"{_q(new)}.{_q(parts[-1])}"
    else:
        return [_lost(f"no automatic inverse for ALTER {_keyword(kind)} … SET SCHEMA: the previous schema is unknown")]
    if old is None:  # unqualified: it was found through search_path, normally public
        old, note = "public", "the migration did not qualify the name: assumes it was in public"
    return [_Undo(f"ALTER {_keyword(kind)}{_if_exists(node.missing_ok)} {target} SET SCHEMA {_q(old)};", note=note)]


def _alter_enum(node: ast.AlterEnumStmt) -> list[_Undo]:
    name = _names(node.typeName)
    if node.oldVal is not None:
        return [_Undo(f"ALTER TYPE {name} RENAME VALUE {_lit(node.newVal)} TO {_lit(node.oldVal)};")]
    return [_lost(f"ADD VALUE {_lit(node.newVal)}: PostgreSQL cannot remove an enum value; recreate the type "
                  f"without it (converting the columns that use it), or {RESTORE}")]


# DROP and data changes: the previous state is gone


_DATA_KINDS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_SCHEMA, ObjectType.OBJECT_SEQUENCE,
               ObjectType.OBJECT_FOREIGN_TABLE}


def _object_name(obj: Any, kind: ObjectType) -> str:
    if isinstance(obj, ast.String):
        return _q(obj.sval)
    if isinstance(obj, ast.TypeName):
        return _names(obj.names)
    if isinstance(obj, ast.ObjectWithArgs):
        return _routine(obj)
    if isinstance(obj, tuple) and all(isinstance(p, ast.String) for p in obj):
        if kind in _ON_TABLE_KINDS:  # DROP POLICY "p" ON "s"."t" is stored as (s, t, p)
            return f"{_q(obj[-1].sval)} ON {_names(obj[:-1])}"
        return _names(obj)
    return "…"


def _drop(node: ast.DropStmt) -> list[_Undo]:
    kind = _keyword(node.removeType)
    what = f"DROP {kind} {', '.join(_object_name(o, node.removeType) for o in node.objects)}"
    if node.behavior == DropBehavior.DROP_CASCADE:
        what += " CASCADE (which also dropped everything that depended on it)"
    if node.removeType in _DATA_KINDS:
        return [_lost(f"{what} destroys data; {RESTORE}")]
    if node.removeType == ObjectType.OBJECT_INDEX:
        return [_lost(f"{what}: the index definition is unknown; {RECREATE}")]
    return [_lost(f"{what}: its definition is unknown; {RECREATE}, or {RESTORE}")]


def _truncate(node: ast.TruncateStmt) -> list[_Undo]:
    return [_lost(f"TRUNCATE destroys data; {RESTORE}")]


def _delete(node: ast.DeleteStmt) -> list[_Undo]:
    return [_lost(f"DELETE destroys data; {RESTORE}")]


def _update(node: ast.UpdateStmt | ast.MergeStmt) -> list[_Undo]:
    return [_lost(f"{'MERGE' if isinstance(node, ast.MergeStmt) else 'UPDATE'}: the previous values are unknown; "
                  f"{RESTORE}")]


def _insert(node: ast.InsertStmt) -> list[_Undo]:
    return [_lost(f"INSERT: delete the inserted rows by hand, or {RESTORE}")]


def _select(node: ast.SelectStmt) -> list[_Undo]:
    if node.intoClause is not None:  # SELECT … INTO creates a table
        return [_Undo(f"DROP TABLE {_rel(node.intoClause.rel)};")]
    return [_noop("SELECT (unless it calls a function with side effects)")]


def _nothing(note: str) -> Callable[[ast.Node], list[_Undo]]:
    return lambda node: [_noop(note)]


_HANDLERS: dict[type, Callable[[Any], list[_Undo]]] = {
    ast.CreateStmt: _create_table,
    ast.CreateTableAsStmt: _create_table_as,
    ast.IndexStmt: _create_index,
    ast.CreateEnumStmt: _create_enum,
    ast.CreateRangeStmt: _create_range,
    ast.CompositeTypeStmt: _create_composite,
    ast.CreateDomainStmt: _create_domain,
    ast.CreateSchemaStmt: _create_schema,
    ast.CreateSeqStmt: _create_sequence,
    ast.ViewStmt: _create_view,
    ast.CreateFunctionStmt: _create_function,
    ast.CreateExtensionStmt: _create_extension,
    ast.CreatePolicyStmt: _create_policy,
    ast.CreateTrigStmt: _create_trigger,
    ast.CreateRoleStmt: _create_role,
    ast.GrantStmt: _grant,
    ast.AlterTableStmt: _alter_table,
    ast.AlterDomainStmt: _alter_domain,
    ast.RenameStmt: _rename,
    ast.AlterObjectSchemaStmt: _set_schema,
    ast.AlterEnumStmt: _alter_enum,
    ast.DropStmt: _drop,
    ast.TruncateStmt: _truncate,
    ast.DeleteStmt: _delete,
    ast.UpdateStmt: _update,
    ast.MergeStmt: _update,
    ast.InsertStmt: _insert,
    ast.SelectStmt: _select,
    ast.VariableSetStmt: _nothing("SET / RESET only changes a setting"),
    ast.VariableShowStmt: _nothing("SHOW"),
    ast.TransactionStmt: _nothing("transaction control"),
    ast.CommentStmt: _nothing("COMMENT ON (the previous comment is not restored)"),
    ast.LockStmt: _nothing("LOCK is released at the end of the transaction"),
    ast.RefreshMatViewStmt: _nothing("REFRESH MATERIALIZED VIEW only recomputes derived rows"),
    ast.VacuumStmt: _nothing("VACUUM / ANALYZE"),
    ast.ReindexStmt: _nothing("REINDEX"),
    ast.ClusterStmt: _nothing("CLUSTER only reorders rows"),
    ast.CheckPointStmt: _nothing("CHECKPOINT"),
    ast.DiscardStmt: _nothing("DISCARD"),
    ast.NotifyStmt: _nothing("NOTIFY"),
}


# DO blocks: invert the SQL statements in the PL/pgSQL body


class _Unsupported(Exception):
    pass


# PL/pgSQL statements that change nothing themselves (their SQL is a SELECT or an expression).
_PLPGSQL_INERT = {"PLpgSQL_stmt_return", "PLpgSQL_stmt_perform", "PLpgSQL_stmt_raise", "PLpgSQL_stmt_assert",
                  "PLpgSQL_stmt_assign"}


def _plpgsql_sql(stmts: Sequence[dict], guarded: bool, conditional: bool) -> Iterator[tuple[str, str | None]]:
    """The SQL run by a DO body, with the caveat that applies; raises _Unsupported for loops, EXECUTE and the like."""
    for item in stmts:
        ((kind, body),) = item.items()
        if kind == "PLpgSQL_stmt_execsql":
            yield body["sqlstmt"]["PLpgSQL_expr"]["query"], (DO_CONDITIONAL if conditional else
                                                            DO_GUARDED if guarded else None)
        elif kind == "PLpgSQL_stmt_block":
            yield from _plpgsql_sql(body.get("body", ()), guarded or "exceptions" in body, conditional)
        elif kind == "PLpgSQL_stmt_if":
            branches = [body.get("then_body", ())]
            branches += [b["PLpgSQL_if_elsif"].get("stmts", ()) for b in body.get("elsif_list", ())]
            branches.append(body.get("else_body", ()))
            for branch in branches:
                yield from _plpgsql_sql(branch, guarded, True)
        elif kind not in _PLPGSQL_INERT:
            raise _Unsupported(kind.removeprefix("PLpgSQL_stmt_"))


def _do_block(node: ast.DoStmt, text: str) -> list[tuple[str | None, _Undo]]:
    options = {opt.defname: opt.arg for opt in node.args}
    language = options["language"].sval if "language" in options else "plpgsql"
    if language.lower() != "plpgsql":
        return [(None, _lost(f"DO block in {language}: no automatic inverse"))]
    try:
        (function,) = pglast.parse_plpgsql(text)
        action = function["PLpgSQL_function"]["action"]
        found = list(_plpgsql_sql([action], False, False))
        undone: list[list[tuple[str | None, _Undo]]] = []
        for query, caveat in found:
            for raw in pglast.parse_sql(query):
                inner = _statement_text(query, raw)
                undone.append([(original or inner, _with_note(undo, caveat)) for original, undo in
                               _invert(raw.stmt, inner)])
    except _Unsupported as exc:
        return [(None, _lost(f"DO block with a PL/pgSQL {exc.args[0]} statement: no automatic inverse (only plain "
                             "SQL statements, IF and BEGIN … EXCEPTION blocks are inverted)"))]
    except (ParseError, KeyError, ValueError, TypeError) as exc:
        return [(None, _lost(f"DO block: cannot parse its body: {exc}"))]
    if not undone:
        return [(None, _noop("DO block that runs no SQL statement"))]
    return [pair for group in reversed(undone) for pair in group]


def _with_note(undo: _Undo, caveat: str | None) -> _Undo:
    if caveat is None or undo.sql is None:
        return undo
    return _Undo(undo.sql, undo.irreversible, f"{undo.note}; {caveat}" if undo.note else caveat)


# Statement text


_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def _display(text: str) -> str:
    """The statement without leading comments and whitespace or the trailing semicolon."""
    return text[_LEADING_NOISE.match(text).end():].rstrip().rstrip(";").rstrip()


def _statement_text(chunk: str, raw: ast.RawStmt) -> str:
    start = raw.stmt_location or 0
    end = start + raw.stmt_len if raw.stmt_len else len(chunk)  # stmt_len 0 means "to the end"
    return _display(chunk[start:end])


def _kind_words(text: str) -> str:
    """The leading keywords of a statement ("ALTER SEQUENCE"), to name it in a message."""
    words = []
    try:
        tokens = scan(text)
    except ParseError:
        tokens = []
    for token in tokens[:3]:
        if token.kind == "NO_KEYWORD":
            break
        words.append(text[token.start:token.end + 1].upper())
    return " ".join(words) or "this statement"


def _comment(text: str) -> str:
    """Text safe to put on one `--` comment line."""
    return " ".join(text.split())
