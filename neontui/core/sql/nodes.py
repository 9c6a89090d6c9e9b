"""Readers of libpg_query JSON nodes that name things: what the review's rules and the replay both need to know of a
statement's tables, types and objects. Unqualified names are schema "public"."""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]
TableKey = tuple[str, str]  # (schema, name)


def names(items: list[Node] | None) -> list[str]:
    return [i["String"]["sval"] for i in items or () if "String" in i]


def qualified(items: list[Node] | None, default_schema: str = "public") -> TableKey:
    parts = names(items)
    return (parts[-2] if len(parts) > 1 else default_schema, parts[-1] if parts else "")


def rel(rangevar: Node) -> TableKey:
    return (rangevar.get("schemaname") or "public", rangevar.get("relname", ""))


def object_key(obj: Node) -> TableKey:
    """The name of a DROP's, COMMENT's or ALTER … RENAME's object, whichever node form holds it."""
    if "List" in obj:
        return qualified(obj["List"].get("items"))
    if "String" in obj:
        return ("public", obj["String"]["sval"])
    if "TypeName" in obj:
        return qualified(obj["TypeName"].get("names"))
    if "ObjectWithArgs" in obj:
        return qualified(obj["ObjectWithArgs"].get("objname"))
    return ("public", "")
