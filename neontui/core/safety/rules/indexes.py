"""Index builds: CREATE INDEX and REINDEX, with and without CONCURRENTLY."""

from __future__ import annotations

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.model import RunMode
from neontui.core.safety.rules.nodes import in_run_transaction, new_table, note_ddl, rel, show
from neontui.core.sql import versions
from neontui.core.sql.statements import no_transaction


def create_index(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    name = node.get("idxname")
    state = stmt.state
    if name:
        state.indexes.add((table[0], name))
    label = f'"{name}"' if name else "an unnamed index"
    if no_transaction("IndexStmt", node, stmt.pg):
        if in_run_transaction(state):
            stmt.report("cannot-run-in-transaction", f"CREATE INDEX CONCURRENTLY {label} cannot run inside the "
                        "migration transaction (25001)", suggestion=suggest.outside_transaction(stmt.text))
    elif not new_table(state, table):
        stmt.report("create-index-non-concurrent",
                    f"CREATE INDEX {label} on {show(table)} takes SHARE; writes to {show(table)} are blocked for "
                    "the whole build", lock=f"SHARE on {show(table)}", blocks=f"writes to {show(table)}",
                    suggestion=suggest.concurrent_index(stmt.text))
    if not new_table(state, table):
        note_ddl(stmt, table)
        if node.get("unique"):
            stmt.report("unique-index-data-dependent", f"unique index {label} on {show(table)} fails if existing "
                        "rows have duplicates")
    if not node.get("unique") and len(node.get("indexParams", ())) > 3:
        stmt.report("index-too-many-columns", f"index {label} has {len(node['indexParams'])} columns")
    if state.mode is RunMode.AUTOCOMMIT and not node.get("if_not_exists"):
        stmt.report("non-idempotent-without-transaction", f"CREATE INDEX {label} has no IF NOT EXISTS")


def reindex(stmt: Statement, node: Node) -> None:
    concurrent = no_transaction("ReindexStmt", node, stmt.pg)
    target = node.get("relation", {}).get("relname") or node.get("name", "")
    if concurrent:
        if in_run_transaction(stmt.state):
            stmt.report("cannot-run-in-transaction", "REINDEX … CONCURRENTLY cannot run inside the migration "
                        "transaction", suggestion=suggest.outside_transaction(stmt.text))
    else:
        stmt.report("reindex-non-concurrent", f'REINDEX "{target}" blocks writes and index reads during the rebuild',
                    lock="SHARE on the table, ACCESS EXCLUSIVE on the index", blocks="writes and index reads",
                    suggestion=suggest.concurrently_after(stmt.text, r"REINDEX\s+(?:\(.*?\)\s*)?\w+")
                    if versions.reindex_concurrently(stmt.pg) else None)
