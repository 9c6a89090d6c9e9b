"""Renames and schema moves: they break the running application's queries that use the old name."""

from __future__ import annotations

from typing import Any

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.nodes import new_column, new_table, note_ddl, object_key, rel, show
from neontui.core.sql.types import parse_type

RENAME_OTHER = {"OBJECT_SCHEMA": "schemas", "OBJECT_VIEW": "views", "OBJECT_MATVIEW": "views", "OBJECT_TYPE": "types",
                "OBJECT_DOMAIN": "types", "OBJECT_SEQUENCE": "sequences", "OBJECT_FUNCTION": "functions",
                "OBJECT_PROCEDURE": "functions", "OBJECT_TABCONSTRAINT": "constraints"}


def rename(stmt: Statement, node: Node) -> None:
    kind, new = node.get("renameType"), node.get("newname", "")
    state = stmt.state
    if kind == "OBJECT_COLUMN":
        table, old = rel(node["relation"]), node.get("subname", "")
        if not new_column(state, table, old):
            stmt.report("rename-column", f'renaming "{old}" to "{new}" in {show(table)} breaks queries of the '
                        "running application that use the old name", suggestion=suggest.rename_column(old, new))
            note_ddl(stmt, table)
        else:
            state.columns.add((table, new))  # a renamed pre-existing column still holds its rows' data
        if (table, old) in state.column_types:
            state.column_types[(table, new)] = state.column_types[(table, old)]
        elif (described := stmt.review.schema.column(table, old)) is not None:
            state.column_types[(table, new)] = parse_type(described.type)  # its type stays known under the new name
    elif kind == "OBJECT_TABLE":
        table = rel(node["relation"])
        if not new_table(state, table):
            stmt.report("rename-table", f'renaming {show(table)} to "{new}" breaks queries of the running '
                        "application that use the old name")
        state.tables.add((table[0], new))
    elif kind in RENAME_OTHER:
        key: Any  # (table, constraint name), a schema name, or (schema, name): the shape of what `created` holds
        created: set[Any]
        if kind == "OBJECT_TABCONSTRAINT":
            key, created = (rel(node["relation"]), node.get("subname", "")), state.constraints
        elif kind == "OBJECT_SCHEMA":
            key, created = node.get("subname", ""), state.schemas
        else:
            obj = node.get("object") or {}
            key = rel(node["relation"]) if "relation" in node else object_key(obj)
            created = getattr(state, RENAME_OTHER[kind])
        if key not in created:
            what = kind.removeprefix("OBJECT_").lower().replace("tabconstraint", "constraint")
            stmt.report("rename-other-object", f'renaming a {what} to "{new}" breaks callers that use the old name')


def set_schema(stmt: Statement, node: Node) -> None:
    state = stmt.state
    key = rel(node["relation"]) if "relation" in node else object_key(node.get("object") or {})
    created = state.tables | state.views | state.types | state.sequences | state.functions
    if key not in created:
        stmt.report("set-schema", f'moving {show(key)} to schema "{node.get("newschema", "")}" breaks queries that '
                    "use the old name")
