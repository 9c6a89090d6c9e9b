"""Facts about statements that several parts of neontui need, each computed in exactly one place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from neontui.core.sql.parse import SqlSyntaxError, parse

DEFAULT_SCHEMA = "public"
# DROP statements name their objects as lists of strings, not RangeVars; these drop (and lock) a relation.
_DROP_RELATION_TYPES = frozenset({"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"})



def touched_tables(statements: Iterable[str]) -> set[tuple[str, str]]:
    """(schema, table) of every relation the SQL names; unqualified names count as "public".

    From pglast's JSON parse tree: every RangeVar (FROM, ALTER TABLE, CREATE INDEX ON, REFERENCES, TRUNCATE…) plus
    the relations of DROP TABLE/VIEW. Text that does not parse is skipped, and so are DO blocks and function bodies
    (their SQL is a string). Names of CTEs and of tables the SQL creates are included: harmless, nothing locks them.
    """
    found: set[tuple[str, str]] = set()
    for text in statements:
        try:
            tree = parse(text)
        except SqlSyntaxError:
            continue
        found.update(_relations(tree))
    return found


def _relations(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        relname = node.get("relname")
        if isinstance(relname, str):  # a RangeVar, wrapped ({"RangeVar": {…}}) or not (as a typed field)
            schema = node.get("schemaname")
            yield (schema if isinstance(schema, str) and schema else DEFAULT_SCHEMA, relname)
        drop = node.get("DropStmt")
        if isinstance(drop, dict) and drop.get("removeType") in _DROP_RELATION_TYPES:
            yield from _dropped(drop.get("objects", []))
        for value in node.values():
            yield from _relations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _relations(value)


def _dropped(objects: Any) -> Iterator[tuple[str, str]]:
    for obj in objects if isinstance(objects, list) else ():
        items = obj.get("List", {}).get("items", []) if isinstance(obj, dict) else []
        names = [i["String"]["sval"] for i in items if isinstance(i, dict) and "String" in i]
        if len(names) == 1:
            yield (DEFAULT_SCHEMA, names[0])
        elif len(names) >= 2:  # schema.table, or db.schema.table
            yield (names[-2], names[-1])
