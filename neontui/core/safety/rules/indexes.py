"""Index builds: CREATE INDEX and REINDEX, with and without CONCURRENTLY."""

from __future__ import annotations

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.nodes import in_run_transaction, new_table, note_ddl, rel, show
from neontui.core.safety.rules.transaction import rerun_hazard
from neontui.core.sql import versions
from neontui.core.sql.statements import no_transaction, option_enabled


def create_index(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    name = node.get("idxname")
    state = stmt.state
    if name:
        state.indexes.add((table[0], name))
    label = f'"{name}"' if name else "an unnamed index"
    described = stmt.review.schema.table(table)
    partitioned = described is not None and described.partitioned
    parent_only = partitioned and not node["relation"].get("inh", False)  # ON ONLY: catalog only, builds nothing
    if no_transaction("IndexStmt", node, stmt.pg):
        if partitioned:
            stmt.report("partitioned-index-concurrently", f"CREATE INDEX CONCURRENTLY {label} on the partitioned "
                        f"table {show(table)} fails: PostgreSQL builds no index CONCURRENTLY on a partitioned "
                        "table (0A000)", suggestion=suggest.partitioned_index(stmt.text))
        elif in_run_transaction(state):
            stmt.report("cannot-run-in-transaction", f"CREATE INDEX CONCURRENTLY {label} cannot run inside the "
                        "migration transaction (25001)", suggestion=suggest.outside_transaction(stmt.text))
    elif not new_table(state, table) and not parent_only:
        stmt.report("create-index-non-concurrent",
                    f"CREATE INDEX {label} on {show(table)} takes SHARE; writes to {show(table)} are blocked for "
                    "the whole build" + (", on every partition" if partitioned else ""),
                    lock=f"SHARE on {show(table)}" + (" and each partition" if partitioned else ""),
                    blocks=f"writes to {show(table)}",
                    suggestion=(suggest.partitioned_index(stmt.text) if partitioned
                                else suggest.concurrent_index(stmt.text)), table=table)
    if not new_table(state, table):
        note_ddl(stmt, table)
        if node.get("unique"):
            stmt.report("unique-index-data-dependent", f"unique index {label} on {show(table)} fails if existing "
                        "rows have duplicates", table=table)
    if not node.get("unique") and len(node.get("indexParams", ())) > 3:
        stmt.report("index-too-many-columns", f"index {label} has {len(node['indexParams'])} columns")
    # PostgreSQL names an unnamed index afresh on each run (orders_user_id_idx, then …_idx1), so a retry does not
    # fail on it; it builds a second copy, or leaves the INVALID index of a failed CONCURRENTLY build behind.
    rerun_hazard(stmt, not name or node.get("if_not_exists", False), f"CREATE INDEX {label} has no IF NOT EXISTS")


def reindex(stmt: Statement, node: Node) -> None:
    kind = node.get("kind", "").removeprefix("REINDEX_OBJECT_")
    relation = node.get("relation", {})
    target = relation.get("relname") or node.get("name", "")
    what = f'{kind} "{target}"' if target else kind
    if no_transaction("ReindexStmt", node, stmt.pg) and in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", f"REINDEX {what} cannot run inside the migration transaction",
                    suggestion=suggest.outside_transaction(stmt.text))
    if option_enabled(node.get("params"), "concurrently"):
        return
    if kind == "SYSTEM" or (relation.get("schemaname") or (target if kind == "SCHEMA" else "")) == "pg_catalog":
        # PostgreSQL refuses CONCURRENTLY here (0A000 "cannot reindex system catalogs concurrently"; SCHEMA
        # pg_catalog CONCURRENTLY skips every table), so the advice is about when, not how.
        stmt.report("reindex-non-concurrent", f"REINDEX {what} rebuilds system catalog indexes, which PostgreSQL "
                    "cannot do CONCURRENTLY: every query that looks up a catalog being rebuilt waits",
                    lock="SHARE on each system catalog and ACCESS EXCLUSIVE on its indexes, one catalog at a time",
                    blocks="DDL, new connections and any query that must read that catalog",
                    suggestion="-- no SQL: system catalogs cannot be reindexed CONCURRENTLY; run this in a "
                    "maintenance window, not in a migration")
        return
    skips = ""
    if kind == "DATABASE" and not versions.reindex_database_skips_catalogs(stmt.pg):
        skips = " (with CONCURRENTLY it skips the system catalogs, which this form rebuilds too)"
    stmt.report("reindex-non-concurrent", f"REINDEX {what} blocks writes and index reads during the rebuild{skips}",
                lock="SHARE on the table, ACCESS EXCLUSIVE on the index", blocks="writes and index reads",
                suggestion=suggest.concurrently_after(stmt.text, r"REINDEX\s+(?:\(.*?\)\s*)?\w+")
                if versions.reindex_concurrently(stmt.pg) else None)
