"""The review's statement handlers: one per libpg_query node type, each reporting the core and advisory rules it owns.

The handlers live in modules named for the statements or the danger they judge; this module joins them into the
dispatch table that safety/review.py hands to the engine (the engine never imports the rules). DO blocks are
dispatched here too, because their bodies go through the same table.

Every rule about a "pre-existing" object asks `RunState` first, so an index on a table created earlier in the
same run, a rename of a column added in this run, etc. are not reported (docs/review.md#pre-existing-objects).
"""

from __future__ import annotations

from collections.abc import Callable

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.alter_table import alter_table
from neontui.core.safety.rules.constraints import alter_domain
from neontui.core.safety.rules.create import (
    create_database,
    create_domain,
    create_function,
    create_schema,
    create_sequence,
    create_table,
    create_table_as,
    create_type,
    create_view,
)
from neontui.core.safety.rules.data import delete, insert, update
from neontui.core.safety.rules.drops import drop, drop_database, truncate
from neontui.core.safety.rules.duplicates import create_foreign_table, merge, select_into
from neontui.core.safety.rules.enums import alter_enum, create_enum
from neontui.core.safety.rules.epilogue import after_statement
from neontui.core.safety.rules.indexes import create_index, reindex
from neontui.core.safety.rules.maintenance import cluster, refresh, vacuum
from neontui.core.safety.rules.renames import rename, set_schema
from neontui.core.safety.rules.transaction import transaction, variable_set
from neontui.core.sql.parse import SqlSyntaxError, parse
from neontui.core.sql.statements import do_body_sql

__all__ = ["HANDLERS", "after_statement"]


def do_block(stmt: Statement, node: Node) -> None:
    """Older drizzle-kit wraps foreign keys and CREATE TYPE in DO blocks; their bodies run, so lint them."""
    try:
        body = do_body_sql(stmt.text, strict=False)
    except Exception:  # a syntax error, or plain exceptions from pglast for bodies in other languages
        return
    for inner_statement in body:
        query = inner_statement.sql
        at = stmt.chunk.find(query, stmt.start)
        try:
            inner = parse(query)
        except SqlSyntaxError:
            continue
        for parsed in inner:
            (node_type, inner_node), = parsed["stmt"].items()
            handler = HANDLERS.get(node_type)
            if handler is None or at < 0:
                continue
            nested = Statement(stmt.review, stmt.source, stmt.index, stmt.chunk, stmt.chunk_bytes, at,
                               at + len(query), parsed["stmt"], stmt.suppress)
            handler(nested, inner_node)


HANDLERS: dict[str, Callable[[Statement, Node], None]] = {
    "CreateStmt": create_table, "CreateTableAsStmt": create_table_as, "ViewStmt": create_view,
    "IndexStmt": create_index, "CreateEnumStmt": create_enum, "CompositeTypeStmt": create_type,
    "CreateRangeStmt": create_type, "CreateDomainStmt": create_domain, "CreateSchemaStmt": create_schema,
    "CreateSeqStmt": create_sequence, "CreateFunctionStmt": create_function, "CreatedbStmt": create_database,
    "AlterTableStmt": alter_table, "RenameStmt": rename, "AlterEnumStmt": alter_enum, "DropStmt": drop,
    "DropdbStmt": drop_database, "TruncateStmt": truncate, "DeleteStmt": delete, "UpdateStmt": update,
    "InsertStmt": insert, "ReindexStmt": reindex, "VacuumStmt": vacuum, "ClusterStmt": cluster,
    "RefreshMatViewStmt": refresh, "AlterDomainStmt": alter_domain, "AlterObjectSchemaStmt": set_schema,
    "TransactionStmt": transaction, "VariableSetStmt": variable_set, "DoStmt": do_block,
    "MergeStmt": merge, "CreateForeignTableStmt": create_foreign_table, "SelectStmt": select_into,
}

