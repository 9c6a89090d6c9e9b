"""SQL type text and type-name nodes as one comparable value: (base name as PostgreSQL's parser spells it, typmods).

`character varying(64)`, `varchar(64)` and `VARCHAR(64)` are all ("varchar", (64,)); an array adds "[]" to the base
(`text[]` → ("text[]", ())). Every comparison of column types (the review's rules, the replay, the snapshot check)
goes through these two functions.
"""

from __future__ import annotations

import functools
from typing import Any

from neontui.core.sql.parse import SqlSyntaxError, parse

SqlType = tuple[str, tuple[int, ...]]


def type_from_node(type_name: dict[str, Any]) -> SqlType:
    """A libpg_query TypeName node (of a column definition, an ALTER COLUMN … TYPE or a cast)."""
    parts = [n["String"]["sval"] for n in type_name.get("names") or () if "String" in n]
    mods = tuple(m["A_Const"]["ival"].get("ival", 0) for m in type_name.get("typmods", ())
                 if "A_Const" in m and "ival" in m["A_Const"])
    base = parts[-1] if parts else ""
    if type_name.get("arrayBounds"):
        base += "[]"
    return base, mods


@functools.lru_cache(maxsize=4096)  # a schema repeats a few dozen type texts over thousands of columns
def parse_type(sql_type: str) -> SqlType:
    """SQL type text, as a catalog, a snapshot or a migration writes it; text the parser rejects is kept lowercased."""
    try:
        tree = parse(f"SELECT NULL::{sql_type}")
        cast = tree[0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["TypeCast"]
        return type_from_node(cast["typeName"])
    except (SqlSyntaxError, KeyError, IndexError, ValueError):
        return (sql_type.lower(), ())


def expression_node(sql_expression: str) -> dict[str, Any] | None:
    """The parse tree of an expression as a catalog or a snapshot writes it (a CHECK's `(note IS NOT NULL)`, a
    default's `now()`); None when the parser rejects it."""
    try:
        tree = parse(f"SELECT {sql_expression}")
        return tree[0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
    except (SqlSyntaxError, KeyError, IndexError, ValueError):
        return None


# How a migration spells the catalog names the grammar gives some SQL-standard types.
_SPELLED = {"int4": "integer", "int8": "bigint", "int2": "smallint", "float4": "real", "float8": "double precision",
            "bool": "boolean"}


def type_text(type_name: dict[str, Any]) -> str:
    """SQL text for a TypeName node that parse_type reads back to type_from_node's value: the name as a migration
    spells it (`integer`, `varchar(20)[]`, a non-catalog schema kept), quoted only where bare text would not parse or
    would parse as another type (`"char"` is not `char`)."""
    target = type_from_node(type_name)
    parts = [n["String"]["sval"] for n in type_name.get("names") or () if "String" in n]
    if parts[:1] == ["pg_catalog"] and len(parts) > 1:  # the grammar's own type (`integer` is pg_catalog.int4)
        parts = [_SPELLED.get(parts[-1], parts[-1])]
    tail = (f"({', '.join(str(m) for m in target[1])})" if target[1] else "") + (
        "[]" if type_name.get("arrayBounds") else "")
    bare = ".".join(parts) + tail
    try:
        if type_from_node(parse(f"SELECT NULL::{bare}")[0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
                          ["TypeCast"]["typeName"]) == target:
            return bare
    except (SqlSyntaxError, KeyError, IndexError):
        pass
    return ".".join('"' + p.replace('"', '""') + '"' for p in parts) + tail
