"""DROP and TRUNCATE: statements that delete objects or rows for good."""

from __future__ import annotations

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.nodes import in_run_transaction, names, new_table, object_key, rel, show
from neontui.core.safety.rules.transaction import rerun_hazard
from neontui.core.sql.statements import no_transaction


def drop(stmt: Statement, node: Node) -> None:
    kind = node.get("removeType", "")
    for obj in node.get("objects", ()):
        key = object_key(obj)
        if kind in ("OBJECT_TABLE", "OBJECT_INDEX"):
            _drop_relation(stmt, node, kind, key)
        else:
            _drop_object(stmt, kind, key, obj)
    rerun_hazard(stmt, node.get("missing_ok", False), "DROP has no IF EXISTS")


def _absent(stmt: Statement, node: Node, kind: str, key: TableKey) -> bool:
    """A DROP … IF EXISTS of a table or index that neither the run nor the described schema before it has."""
    schema, state = stmt.review.schema, stmt.state
    if not node.get("missing_ok") or not schema.described:
        return False
    if kind == "OBJECT_TABLE":
        return key not in state.tables and schema.table(key) is None
    return key not in state.indexes and not schema.has_index(*key)


def _drop_relation(stmt: Statement, node: Node, kind: str, key: TableKey) -> None:
    state = stmt.state
    if _absent(stmt, node, kind, key):
        return  # IF EXISTS of what the schema before the run does not have: PostgreSQL only notices
    if kind == "OBJECT_TABLE":
        state.touched.add(key)
        if key not in state.tables:
            stmt.report("drop-table", f"DROP TABLE {show(key)} deletes the table and its rows",
                        lock=f"ACCESS EXCLUSIVE on {show(key)} (brief)", blocks=f"reads and writes of {show(key)}",
                        table=key)
        state.tables.discard(key)
    elif kind == "OBJECT_INDEX":
        if no_transaction("DropStmt", node, stmt.pg):
            if in_run_transaction(state):
                stmt.report("cannot-run-in-transaction", f"DROP INDEX CONCURRENTLY {show(key)} cannot run "
                            "inside the migration transaction", suggestion=suggest.outside_transaction(stmt.text))
        elif key not in state.indexes:
            stmt.report("drop-index-non-concurrent", f"DROP INDEX {show(key)} takes ACCESS EXCLUSIVE on its "
                        "table", lock="ACCESS EXCLUSIVE on the table", blocks="reads and writes of the table",
                        suggestion=suggest.concurrently_after(stmt.text, r"DROP\s+INDEX", before=True))


def _drop_object(stmt: Statement, kind: str, key: TableKey, obj: Node) -> None:
    state = stmt.state
    if kind == "OBJECT_SCHEMA":
        name = names([obj])[0] if "String" in obj else key[1]
        if name not in state.schemas:
            stmt.report("drop-schema", f'DROP SCHEMA "{name}" drops every object in it')
    elif kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
        if key not in state.views:
            stmt.review.defer(stmt, "view", key, "drop-view", f"DROP VIEW {show(key)} without re-creating it "
                              "in this run breaks its readers")
        state.views.discard(key)
    elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
        rule = "drop-type" if kind == "OBJECT_TYPE" else "drop-domain"
        if key not in state.types:
            if rule == "drop-type":
                stmt.review.defer(stmt, "type", key, rule, f"DROP TYPE {show(key)} breaks the columns and "
                                  "functions that use it")
            else:
                stmt.report(rule, f"DROP DOMAIN {show(key)} breaks the columns of that domain")
        state.types.discard(key)
    elif kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        if key not in state.functions:
            stmt.report("drop-function", f"DROP FUNCTION {show(key)} breaks its callers")
    elif kind == "OBJECT_SEQUENCE":
        if key not in state.sequences:
            stmt.report("drop-sequence", f"DROP SEQUENCE {show(key)} breaks defaults that use it")
    elif kind == "OBJECT_EXTENSION":
        stmt.report("drop-extension", f'DROP EXTENSION "{key[1]}" breaks everything that uses it')


def drop_database(stmt: Statement, node: Node) -> None:
    stmt.report("drop-database", f'DROP DATABASE "{node.get("dbname", "")}" deletes everything in it')
    if in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", "DROP DATABASE cannot run inside the migration transaction")


def truncate(stmt: Statement, node: Node) -> None:
    tables = [rel(r["RangeVar"]) for r in node.get("relations", ()) if "RangeVar" in r]
    stmt.state.touched.update(tables)
    existing = [t for t in tables if not new_table(stmt.state, t)]
    if node.get("behavior") == "DROP_CASCADE":
        stmt.report("truncate-cascade", f"TRUNCATE … CASCADE empties {', '.join(map(show, tables))} and every table "
                    "that references them", lock="ACCESS EXCLUSIVE on every table reached",
                    blocks="reads and writes of all of them")
    elif existing:
        stmt.report("truncate-table", f"TRUNCATE empties {', '.join(map(show, existing))}",
                    lock="ACCESS EXCLUSIVE", blocks="reads and writes")
