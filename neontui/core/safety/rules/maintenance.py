"""Maintenance statements that rewrite or lock whole tables: VACUUM, CLUSTER, REFRESH MATERIALIZED VIEW."""

from __future__ import annotations

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.nodes import in_run_transaction, rel, show
from neontui.core.sql.statements import no_transaction, option_enabled


def vacuum(stmt: Statement, node: Node) -> None:
    if not no_transaction("VacuumStmt", node, stmt.pg):
        return  # ANALYZE may run in a transaction
    if in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", "VACUUM cannot run inside the migration transaction")
    if option_enabled(node.get("options"), "full"):  # VACUUM (FULL FALSE) is a plain VACUUM
        stmt.report("vacuum-full-or-cluster", "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE",
                    lock="ACCESS EXCLUSIVE", blocks="reads and writes")


def cluster(stmt: Statement, node: Node) -> None:
    stmt.report("vacuum-full-or-cluster", "CLUSTER rewrites the table under ACCESS EXCLUSIVE",
                lock="ACCESS EXCLUSIVE", blocks="reads and writes")


def refresh(stmt: Statement, node: Node) -> None:
    view = rel(node["relation"])
    if not node.get("concurrent") and view not in stmt.state.views:
        stmt.report("refresh-matview-non-concurrent", f"REFRESH MATERIALIZED VIEW {show(view)} blocks its readers",
                    lock=f"ACCESS EXCLUSIVE on {show(view)}", blocks=f"reads of {show(view)}",
                    suggestion=suggest.concurrently_after(stmt.text, r"REFRESH\s+MATERIALIZED\s+VIEW"))
