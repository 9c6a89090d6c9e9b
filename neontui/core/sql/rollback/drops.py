"""DROP and data changes: the previous state is gone, so each step says how to recover instead."""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.enums import DropBehavior, ObjectType

from neontui.core.sql.rollback.naming import ON_TABLE_KINDS, dotted, given, ident, object_keyword, relation, routine
from neontui.core.sql.rollback.undo import RECREATE, RESTORE, Undo, lost, noop

_DATA_KINDS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_SCHEMA, ObjectType.OBJECT_SEQUENCE,
               ObjectType.OBJECT_FOREIGN_TABLE}


def _object_name(obj: Any, kind: ObjectType | None) -> str:
    if isinstance(obj, ast.String):
        return ident(obj.sval)
    if isinstance(obj, ast.TypeName):
        return dotted(obj.names)
    if isinstance(obj, ast.ObjectWithArgs):
        return routine(obj)
    if isinstance(obj, tuple) and all(isinstance(p, ast.String) for p in obj):
        if kind in ON_TABLE_KINDS:  # DROP POLICY "p" ON "s"."t" is stored as (s, t, p)
            return f"{ident(obj[-1].sval)} ON {dotted(obj[:-1])}"
        return dotted(obj)
    return "…"


def drop(node: ast.DropStmt) -> list[Undo]:
    kind = object_keyword(node.removeType)
    what = f"DROP {kind} {', '.join(_object_name(o, node.removeType) for o in given(node.objects))}"
    if node.behavior == DropBehavior.DROP_CASCADE:
        what += " CASCADE (which also dropped everything that depended on it)"
    if node.removeType in _DATA_KINDS:
        return [lost(f"{what} destroys data; {RESTORE}")]
    if node.removeType == ObjectType.OBJECT_INDEX:
        return [lost(f"{what}: the index definition is unknown; {RECREATE}")]
    return [lost(f"{what}: its definition is unknown; {RECREATE}, or {RESTORE}")]


def truncate(node: ast.TruncateStmt) -> list[Undo]:
    return [lost(f"TRUNCATE destroys data; {RESTORE}")]


def delete(node: ast.DeleteStmt) -> list[Undo]:
    return [lost(f"DELETE destroys data; {RESTORE}")]


def update(node: ast.UpdateStmt | ast.MergeStmt) -> list[Undo]:
    return [lost(f"{'MERGE' if isinstance(node, ast.MergeStmt) else 'UPDATE'}: the previous values are unknown; "
                  f"{RESTORE}")]


def insert(node: ast.InsertStmt) -> list[Undo]:
    return [lost(f"INSERT: delete the inserted rows by hand, or {RESTORE}")]


def select(node: ast.SelectStmt) -> list[Undo]:
    if node.intoClause is not None:  # SELECT … INTO creates a table
        return [Undo(f"DROP TABLE {relation(node.intoClause.rel)};")]
    return [noop("SELECT (unless it calls a function with side effects)")]
