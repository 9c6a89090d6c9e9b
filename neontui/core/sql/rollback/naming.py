"""SQL text for the names a migration used: identifiers always quoted, so the user's exact names (case,
spaces) survive; relations qualified only when the migration qualified them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pglast import ast
from pglast.enums import ObjectType
from pglast.stream import RawStream

_T = TypeVar("_T")


def given(value: _T | None) -> _T:
    """pglast types every node field as optional; the parser fills those that the statement's kind requires."""
    if value is None:
        raise TypeError("a node field the statement kind requires is missing")
    return value


def ident(name: str | None) -> str:
    return '"' + given(name).replace('"', '""') + '"'


def literal(value: str | None) -> str:
    return "'" + given(value).replace("'", "''") + "'"


def dotted(parts: Iterable[Any] | None) -> str:
    return ".".join(ident(part.sval) for part in given(parts))


def relation(rv: ast.RangeVar | None, name: str | None = None) -> str:
    """A relation as the migration named it (schema-qualified only when it was), optionally with another name."""
    range_var = given(rv)
    parts = [p for p in (range_var.catalogname, range_var.schemaname) if p]
    return ".".join(ident(p) for p in [*parts, name or range_var.relname])


def in_schema(schema: str | None, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}" if schema else ident(name)


def if_exists(flag: bool | None) -> str:
    return " IF EXISTS" if flag else ""


_KEYWORDS = {
    ObjectType.OBJECT_MATVIEW: "MATERIALIZED VIEW", ObjectType.OBJECT_FOREIGN_TABLE: "FOREIGN TABLE",
    ObjectType.OBJECT_TABCONSTRAINT: "CONSTRAINT", ObjectType.OBJECT_DOMCONSTRAINT: "CONSTRAINT",
}
RELATION_KINDS = {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_INDEX,
                   ObjectType.OBJECT_SEQUENCE, ObjectType.OBJECT_FOREIGN_TABLE}
ROUTINE_KINDS = {ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE, ObjectType.OBJECT_ROUTINE,
                  ObjectType.OBJECT_AGGREGATE}
ON_TABLE_KINDS = {ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_POLICY, ObjectType.OBJECT_RULE}


def object_keyword(kind: ObjectType | None) -> str:
    return _KEYWORDS.get(given(kind)) or given(kind).name.removeprefix("OBJECT_").replace("_", " ")


def type_sql(node: ast.Node) -> str:
    return RawStream()(node)


def routine_parts(node: Any) -> list[str]:
    """The dotted name of an ObjectWithArgs (a function, procedure or aggregate), part by part."""
    return [p.sval for p in given(given(node).objname)]


def routine(node: Any, name: str | None = None, schema: str | None = None) -> str:
    """`"s"."f"(integer, text)`, optionally renamed or moved to another schema."""
    obj: ast.ObjectWithArgs = given(node)
    parts = routine_parts(obj)
    if name is not None:
        parts[-1] = name
    if schema is not None:
        parts = [schema, parts[-1]]
    args = "" if obj.args_unspecified else "(" + ", ".join(type_sql(t) for t in obj.objargs or ()) + ")"
    return ".".join(ident(p) for p in parts) + args
