"""Statement handlers: one per libpg_query node type, each reporting the core and advisory rules it owns.

Every rule about a "pre-existing" object asks `RunState` first, so an index on a table created earlier in the
same run, a rename of a column added in this run, etc. are not reported (safety-rules.md §1).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pglast
from pglast import parser as pg_parser

from neontui.core.safety import suggest, versions
from neontui.core.safety.engine import Node, RunState, Statement, TableKey
from neontui.core.safety.model import RunMode
from neontui.core.sql.parse import SqlSyntaxError, parse

SERIAL_TYPES = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}
# Functions whose result differs per row: as a column default they force a table rewrite. Other functions
# (now(), lower(), user-defined ones) are treated as non-volatile.
VOLATILE_FUNCTIONS = {"gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4",
                      "uuidv7", "random", "clock_timestamp", "timeofday", "nextval", "random_normal", "setseed"}
INT_TYPES = {"int4", "int2", "serial", "serial4", "smallserial", "serial2", "integer", "smallint"}
TIMEOUT_RULES = ("missing-lock-timeout", "missing-statement-timeout")
_LONG_RUN = re.compile(r'[^\s(),;.\']{64,}')  # cheap pre-filter: only such statements can hold a long identifier
MAX_IDENTIFIER = 63


# --- small readers of libpg_query nodes ---------------------------------------------------------------------

def rel(rangevar: Node) -> TableKey:
    return (rangevar.get("schemaname") or "public", rangevar.get("relname", ""))


def names(items: list[Node] | None) -> list[str]:
    return [i["String"]["sval"] for i in items or () if "String" in i]


def qualified(items: list[Node] | None) -> TableKey:
    parts = names(items)
    return (parts[-2] if len(parts) > 1 else "public", parts[-1] if parts else "")


def show(key: TableKey) -> str:
    schema, name = key
    return f'"{name}"' if schema == "public" else f'"{schema}"."{name}"'


def type_of(type_name: Node) -> tuple[str, tuple[int, ...]]:
    parts = names(type_name.get("names"))
    mods = tuple(m["A_Const"]["ival"].get("ival", 0) for m in type_name.get("typmods", ())
                 if "A_Const" in m and "ival" in m["A_Const"])
    base = parts[-1] if parts else ""
    if type_name.get("arrayBounds"):
        base += "[]"
    return base, mods


def constraints(column_def: Node) -> list[Node]:
    return [c["Constraint"] for c in column_def.get("constraints", ()) if "Constraint" in c]


def walk(node: Any) -> Any:
    """Every dict in a JSON parse tree (depth first)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def is_volatile(expr: Node | None) -> bool:
    if not expr:
        return False
    for item in walk(expr):
        call = item.get("FuncCall")
        if call and (names(call.get("funcname")) or [""])[-1].lower() in VOLATILE_FUNCTIONS:
            return True
    return False


def note_ddl(stmt: Statement, table: TableKey) -> None:
    stmt.state.touched.add(table)
    if stmt.state.in_transaction:
        stmt.state.ddl_tables.add(table)


def in_run_transaction(state: RunState) -> bool:
    """Would a no-transaction statement here fail? Not under neontui's plan, which runs it as its own step."""
    return state.in_transaction and state.mode is not RunMode.PLANNED


def new_table(state: RunState, table: TableKey) -> bool:
    return table in state.tables


def new_column(state: RunState, table: TableKey, column: str) -> bool:
    return table in state.tables or (table, column) in state.columns


# --- CREATE ---------------------------------------------------------------------------------------------------

def create_table(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    state = stmt.state
    state.tables.add(table)
    seen: Counter[str] = Counter()
    columns: list[tuple[str, str, tuple[int, ...], Node]] = []
    for element in node.get("tableElts", ()):
        column = element.get("ColumnDef")
        if not column:
            continue
        name = column.get("colname", "")
        seen[name] += 1
        base, mods = type_of(column.get("typeName", {}))
        state.columns.add((table, name))
        state.column_types[(table, name)] = (base, mods)
        columns.append((name, base, mods, column))
    for name, n in seen.items():
        if n > 1:
            stmt.report("duplicate-column-assignment", f'column "{name}" is declared {n} times in {show(table)}')
    for name, base, mods, column in columns:
        column_type_advice(stmt, table, name, base, mods, column)
    column_alignment(stmt, table, [(name, base) for name, base, _, _ in columns])
    unqualified(stmt, node["relation"])
    if stmt.state.mode is RunMode.AUTOCOMMIT and not node.get("if_not_exists"):
        stmt.report("non-idempotent-without-transaction", f"CREATE TABLE {show(table)} has no IF NOT EXISTS")


def create_table_as(stmt: Statement, node: Node) -> None:
    target = rel(node.get("into", {}).get("rel", {}))
    if node.get("objtype") == "OBJECT_MATVIEW":
        stmt.state.views.add(target)
    else:
        stmt.state.tables.add(target)


def create_view(stmt: Statement, node: Node) -> None:
    stmt.state.views.add(rel(node["view"]))


def create_index(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    name = node.get("idxname")
    state = stmt.state
    if name:
        state.indexes.add((table[0], name))
    label = f'"{name}"' if name else "an unnamed index"
    if node.get("concurrent"):
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


def create_enum(stmt: Statement, node: Node) -> None:
    key = qualified(node.get("typeName"))
    stmt.state.types.add(key)
    stmt.report("create-enum-type", f"enum type {show(key)} is hard to change later")


def create_type(stmt: Statement, node: Node) -> None:
    stmt.state.types.add(rel(node["typevar"]) if "typevar" in node else qualified(node.get("typeName")))


def create_domain(stmt: Statement, node: Node) -> None:
    key = qualified(node.get("domainname"))
    stmt.state.types.add(key)
    if any(c.get("Constraint", {}).get("contype") == "CONSTR_CHECK" for c in node.get("constraints", ())):
        stmt.report("domain-constraint", f"domain {show(key)} has a CHECK: every column using it is validated "
                    "by a table scan when the constraint changes", lock="SHARE on every table using the domain")


def create_schema(stmt: Statement, node: Node) -> None:
    stmt.state.schemas.add(node.get("schemaname", ""))


def create_sequence(stmt: Statement, node: Node) -> None:
    stmt.state.sequences.add(rel(node["sequence"]))


def create_function(stmt: Statement, node: Node) -> None:
    # The body is not executed by the migration, so a DELETE inside it is not a finding.
    stmt.state.functions.add(qualified(node.get("funcname")))


def create_database(stmt: Statement, node: Node) -> None:
    if in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", "CREATE DATABASE cannot run inside the migration transaction")


# --- ALTER TABLE ----------------------------------------------------------------------------------------------

def alter_table(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    if node.get("objtype", "OBJECT_TABLE") not in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
        return
    added: Counter[str] = Counter()
    for item in node.get("cmds", ()):
        cmd = item.get("AlterTableCmd")
        if not cmd:
            continue
        if cmd["subtype"] == "AT_AddColumn":
            added[cmd.get("def", {}).get("ColumnDef", {}).get("colname", "")] += 1
        handler = ALTER_TABLE.get(cmd["subtype"])
        if handler is not None:
            handler(stmt, table, cmd, len(node["cmds"]) == 1)
    for name, n in added.items():
        if n > 1:
            stmt.report("duplicate-column-assignment", f'column "{name}" is added {n} times to {show(table)}')
    if not new_table(stmt.state, table):
        note_ddl(stmt, table)
    unqualified(stmt, node["relation"])


def add_column(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    column = cmd["def"]["ColumnDef"]
    name = column.get("colname", "")
    base, mods = type_of(column.get("typeName", {}))
    state = stmt.state
    existing = not new_table(state, table)
    state.columns.add((table, name))
    state.column_types[(table, name)] = (base, mods)
    column_type_advice(stmt, table, name, base, mods, column)
    if state.mode is RunMode.AUTOCOMMIT and not cmd.get("missing_ok"):
        stmt.report("non-idempotent-without-transaction", f'ADD COLUMN "{name}" has no IF NOT EXISTS')
    if not existing:
        return
    cons = {c["contype"]: c for c in constraints(column)}
    where, target = f'column "{name}" of {show(table)}', show(table)
    generated = cons.get("CONSTR_GENERATED")
    default = cons.get("CONSTR_DEFAULT")
    rewrite_lock = f"ACCESS EXCLUSIVE on {target} for the whole rewrite"
    if base in SERIAL_TYPES or "CONSTR_IDENTITY" in cons:
        kind = base if base in SERIAL_TYPES else "identity"
        stmt.report("add-column-serial-or-identity", f"adding {kind} {where} rewrites the table",
                    lock=rewrite_lock, blocks=f"reads and writes of {target}")
    elif generated and (generated.get("generated_kind") == "s" or not versions.virtual_generated_columns(stmt.pg)):
        stmt.report("add-column-generated-stored", f"adding the STORED generated {where} rewrites the table",
                    lock=rewrite_lock, blocks=f"reads and writes of {target}")
    elif default and (is_volatile(default.get("raw_expr")) or not versions.fast_column_default(stmt.pg)):
        why = "a volatile default" if is_volatile(default.get("raw_expr")) else "a default (before PostgreSQL 11)"
        stmt.report("add-column-volatile-default", f"adding {where} with {why} rewrites the table",
                    lock=rewrite_lock, blocks=f"reads and writes of {target}",
                    suggestion=suggest.volatile_default(stmt, table, name, default))
    elif "CONSTR_NOTNULL" in cons and not default and not generated:
        stmt.report("add-column-required-no-default", f"adding NOT NULL {where} without a default fails if "
                    f"{target} has rows, and breaks inserts of the running application",
                    suggestion=suggest.required_column(stmt, table, name))
    if "CONSTR_UNIQUE" in cons:
        stmt.report("add-unique-constraint", f"UNIQUE on the new {where} builds an index under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}")
    if "CONSTR_PRIMARY" in cons:
        stmt.report("add-primary-key", f"PRIMARY KEY on the new {where} builds an index under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}")
    if "CONSTR_FOREIGN" in cons:
        ref = show(rel(cons["CONSTR_FOREIGN"]["pktable"]))
        stmt.report("add-foreign-key-validating", f"REFERENCES {ref} on the new {where} takes SHARE ROW EXCLUSIVE "
                    f"on {target} and {ref}", lock=f"SHARE ROW EXCLUSIVE on {target} and {ref}",
                    blocks=f"writes to {target} and {ref}")
    if "CONSTR_CHECK" in cons:
        stmt.report("add-check-constraint-validating", f"CHECK on the new {where} is validated under ACCESS "
                    "EXCLUSIVE", lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}")


def drop_column(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    if not new_column(stmt.state, table, name):
        stmt.report("drop-column", f'DROP COLUMN "{name}" deletes its data from {show(table)}',
                    lock=f"ACCESS EXCLUSIVE on {show(table)} (brief)", blocks=f"reads and writes of {show(table)}",
                    suggestion=suggest.drop_column(table, name))
    stmt.state.columns.discard((table, name))


def alter_column_type(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    column = cmd.get("def", {}).get("ColumnDef", {})
    new = type_of(column.get("typeName", {}))
    state = stmt.state
    old = state.column_types.get((table, name))
    state.column_types[(table, name)] = new
    if new_table(state, table):
        return  # a column added to an existing table in this run still makes the table rewrite
    if old is None and (table, name) in stmt.review.known_columns:
        old = _parse_type(stmt.review.known_columns[(table, name)])
    if "raw_default" not in column and old is not None and binary_coercible(old, new, stmt.pg):
        return
    was = f" from {old[0]}" if old else ""
    stmt.report("change-column-type", f'changing the type of "{name}" in {show(table)}{was} to {new[0]} rewrites '
                "the table and its indexes", lock=f"ACCESS EXCLUSIVE on {show(table)} for the whole rewrite",
                blocks=f"reads and writes of {show(table)}", suggestion=suggest.change_type(table, name, new[0]))


def set_not_null(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    state = stmt.state
    if new_table(state, table):
        return  # a column added to an existing table in this run is still checked row by row
    if (table, name) in state.validated_not_null and versions.not_null_uses_check(stmt.pg):
        return
    stmt.report("set-not-null", f'SET NOT NULL on "{name}" scans all of {show(table)} under ACCESS EXCLUSIVE',
                lock=f"ACCESS EXCLUSIVE on {show(table)} for the scan", blocks=f"reads and writes of {show(table)}",
                suggestion=suggest.set_not_null(table, name))


def drop_not_null(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    if not new_column(stmt.state, table, name):
        stmt.report("drop-not-null", f'DROP NOT NULL on "{name}" of {show(table)} lets readers receive NULLs')


def column_default(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    if "def" not in cmd and not new_column(stmt.state, table, name):
        stmt.report("drop-default", f'DROP DEFAULT on "{name}" of {show(table)} breaks inserts that relied on it')


def add_constraint(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    con = cmd["def"]["Constraint"]
    kind, name = con["contype"], con.get("conname", "")
    state = stmt.state
    state.constraints.add((table, name))
    if new_table(state, table):
        return
    target, label = show(table), f'"{name}"' if name else "an unnamed constraint"
    not_valid = con.get("skip_validation", False)
    if kind == "CONSTR_FOREIGN":
        ref = show(rel(con["pktable"]))
        if not_valid:
            state.not_valid[(table, name)] = ()
        else:
            stmt.report("add-foreign-key-validating", f"ADD FOREIGN KEY {label} takes SHARE ROW EXCLUSIVE on "
                        f"{target} and {ref} while it scans {target}",
                        lock=f"SHARE ROW EXCLUSIVE on {target} and {ref}", blocks=f"writes to {target} and {ref}",
                        suggestion=suggest.not_valid_then_validate(stmt, table, name, single))
    elif kind == "CONSTR_CHECK":
        if not_valid:
            state.not_valid[(table, name)] = _not_null_columns(con.get("raw_expr"))
        else:
            stmt.report("add-check-constraint-validating", f"ADD CHECK {label} scans all of {target} under ACCESS "
                        "EXCLUSIVE", lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}",
                        suggestion=suggest.not_valid_then_validate(stmt, table, name, single))
    elif kind in ("CONSTR_UNIQUE", "CONSTR_PRIMARY") and not con.get("indexname"):
        rule, what = ("add-unique-constraint", "UNIQUE") if kind == "CONSTR_UNIQUE" else ("add-primary-key",
                                                                                         "PRIMARY KEY")
        stmt.report(rule, f"ADD {what} {label} builds its index on {target} under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {target} for the index build", blocks=f"reads and writes of {target}",
                    suggestion=suggest.index_then_constraint(table, name, what, names(con.get("keys"))))
        stmt.report("unique-index-data-dependent", f"{what} {label} fails if existing rows of {target} have "
                    "duplicates")
    elif kind == "CONSTR_EXCLUSION":
        stmt.report("add-exclusion-constraint", f"ADD EXCLUDE {label} checks every row of {target} under ACCESS "
                    "EXCLUSIVE", lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}")


def validate_constraint(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    state = stmt.state
    key = (table, name)
    if key in state.not_valid and state.in_transaction:
        stmt.report("validate-constraint-same-transaction", f'VALIDATE CONSTRAINT "{name}" runs in the same '
                    f"transaction that added it NOT VALID, so {show(table)} stays locked during the scan",
                    lock=f"the ADD's lock on {show(table)}, held until the run commits",
                    blocks=f"reads and writes of {show(table)}")
    for column in state.not_valid.get(key, ()):
        state.validated_not_null.add((table, column))


def drop_constraint(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    if not new_table(stmt.state, table) and (table, name) not in stmt.state.constraints:
        stmt.report("drop-constraint", f'DROP CONSTRAINT "{name}" removes a guarantee of {show(table)}')


def drop_expression(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_column(stmt.state, table, cmd.get("name", "")):
        stmt.report("drop-generated-expression", f'DROP EXPRESSION on "{cmd.get("name", "")}" of {show(table)} '
                    "stops maintaining its value")


def alter_identity(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_column(stmt.state, table, cmd.get("name", "")):
        stmt.report("alter-identity", f'changing the identity of "{cmd.get("name", "")}" in {show(table)} changes '
                    "which inserts succeed")


def rewrite_other(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_table(stmt.state, table):
        what = cmd["subtype"].removeprefix("AT_").replace("UnLogged", "Unlogged")
        stmt.report("table-rewrite-other", f"{what} rewrites {show(table)} under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {show(table)}", blocks=f"reads and writes of {show(table)}")


def detach_partition(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    part = cmd.get("def", {}).get("PartitionCmd", {})
    if part.get("concurrent"):
        if in_run_transaction(stmt.state):
            stmt.report("cannot-run-in-transaction", "DETACH PARTITION … CONCURRENTLY cannot run inside the "
                        "migration transaction", suggestion=suggest.outside_transaction(stmt.text))
    else:
        stmt.report("detach-partition-non-concurrent", f"DETACH PARTITION on {show(table)} takes ACCESS EXCLUSIVE "
                    "on the parent and the partition", lock=f"ACCESS EXCLUSIVE on {show(table)}",
                    blocks=f"reads and writes of {show(table)}",
                    suggestion=suggest.concurrently_after(stmt.text, r"DETACH\s+PARTITION\s+\S+")
                    if versions.detach_concurrently(stmt.pg) else None)


def enable_rls(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    if not new_table(stmt.state, table):
        stmt.report("enable-rls", f"row level security on {show(table)}: roles without a policy see no rows")


ALTER_TABLE: dict[str, Callable[[Statement, TableKey, Node, bool], None]] = {
    "AT_AddColumn": add_column, "AT_DropColumn": drop_column, "AT_AlterColumnType": alter_column_type,
    "AT_SetNotNull": set_not_null, "AT_DropNotNull": drop_not_null, "AT_ColumnDefault": column_default,
    "AT_AddConstraint": add_constraint, "AT_ValidateConstraint": validate_constraint,
    "AT_DropConstraint": drop_constraint, "AT_DropExpression": drop_expression, "AT_AddIdentity": alter_identity,
    "AT_DropIdentity": alter_identity, "AT_SetIdentity": alter_identity, "AT_SetLogged": rewrite_other,
    "AT_SetUnLogged": rewrite_other, "AT_SetTableSpace": rewrite_other, "AT_SetAccessMethod": rewrite_other,
    "AT_DetachPartition": detach_partition, "AT_EnableRowSecurity": enable_rls, "AT_ForceRowSecurity": enable_rls,
}


# --- other statements -----------------------------------------------------------------------------------------

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
        state.columns.add((table, new))
        if (table, old) in state.column_types:
            state.column_types[(table, new)] = state.column_types[(table, old)]
    elif kind == "OBJECT_TABLE":
        table = rel(node["relation"])
        if not new_table(state, table):
            stmt.report("rename-table", f'renaming {show(table)} to "{new}" breaks queries of the running '
                        "application that use the old name")
        state.tables.add((table[0], new))
    elif kind in RENAME_OTHER:
        if kind == "OBJECT_TABCONSTRAINT":
            key, created = (rel(node["relation"]), node.get("subname", "")), state.constraints
        elif kind == "OBJECT_SCHEMA":
            key, created = node.get("subname", ""), state.schemas
        else:
            obj = node.get("object") or {}
            key = rel(node["relation"]) if "relation" in node else _object_key(obj)
            created = getattr(state, RENAME_OTHER[kind])
        if key not in created:
            what = kind.removeprefix("OBJECT_").lower().replace("tabconstraint", "constraint")
            stmt.report("rename-other-object", f'renaming a {what} to "{new}" breaks callers that use the old name')


def alter_enum(stmt: Statement, node: Node) -> None:
    key = qualified(node.get("typeName"))
    state = stmt.state
    if node.get("oldVal"):
        if key not in state.types:
            stmt.report("rename-other-object", f"renaming enum value '{node['oldVal']}' of {show(key)} breaks "
                        "callers that use the old value")
        return
    label = node.get("newVal", "")
    if not node.get("newValNeighbor"):
        stmt.report("enum-add-value-unordered", f"'{label}' is appended at the end of {show(key)}")
    if not state.in_transaction or key in state.types:
        return  # a type created in the same transaction may use its new values at once
    if not versions.enum_add_value_in_transaction(stmt.pg):
        if in_run_transaction(state):  # neontui's plan runs it as its own step on such servers
            stmt.report("enum-add-value-in-transaction", f"ALTER TYPE {show(key)} ADD VALUE cannot run inside "
                        "a transaction before PostgreSQL 12")
    else:
        state.new_enum_labels[label] = key


def drop(stmt: Statement, node: Node) -> None:
    kind = node.get("removeType")
    state = stmt.state
    for obj in node.get("objects", ()):
        key = _object_key(obj)
        if kind == "OBJECT_TABLE":
            state.touched.add(key)
            if key not in state.tables:
                stmt.report("drop-table", f"DROP TABLE {show(key)} deletes the table and its rows",
                            lock=f"ACCESS EXCLUSIVE on {show(key)} (brief)", blocks=f"reads and writes of {show(key)}")
            state.tables.discard(key)
        elif kind == "OBJECT_INDEX":
            if node.get("concurrent"):
                if in_run_transaction(state):
                    stmt.report("cannot-run-in-transaction", f"DROP INDEX CONCURRENTLY {show(key)} cannot run "
                                "inside the migration transaction", suggestion=suggest.outside_transaction(stmt.text))
            elif key not in state.indexes:
                stmt.report("drop-index-non-concurrent", f"DROP INDEX {show(key)} takes ACCESS EXCLUSIVE on its "
                            "table", lock="ACCESS EXCLUSIVE on the table", blocks="reads and writes of the table",
                            suggestion=suggest.concurrently_after(stmt.text, r"DROP\s+INDEX", before=True))
        elif kind == "OBJECT_SCHEMA":
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
    if state.mode is RunMode.AUTOCOMMIT and not node.get("missing_ok"):
        stmt.report("non-idempotent-without-transaction", "DROP has no IF EXISTS")


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


def delete(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    if new_table(stmt.state, table):
        return
    if "whereClause" not in node:
        stmt.report("delete-without-where", f"DELETE without WHERE removes every row of {show(table)}",
                    lock=f"row locks on every row of {show(table)} until the run commits",
                    blocks=f"concurrent updates of {show(table)}")
    backfill(stmt, table, "DELETE")


def update(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    duplicate_targets(stmt, node.get("targetList"), table)
    if not new_table(stmt.state, table):
        backfill(stmt, table, "UPDATE")


def insert(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    duplicate_targets(stmt, node.get("cols"), table)
    select = node.get("selectStmt", {}).get("SelectStmt", {})
    if "fromClause" in select and not new_table(stmt.state, table):
        backfill(stmt, table, "INSERT … SELECT")


def backfill(stmt: Statement, table: TableKey, what: str) -> None:
    stmt.state.touched.add(table)
    if stmt.state.in_transaction and table in stmt.state.ddl_tables:
        stmt.report("backfill-in-migration-transaction", f"{what} on {show(table)} runs in the same transaction as "
                    f"DDL on it, so the DDL's lock is held for the whole backfill",
                    lock=f"the DDL's lock on {show(table)} until the run commits",
                    blocks=f"reads and writes of {show(table)}")


def duplicate_targets(stmt: Statement, targets: list[Node] | None, table: TableKey) -> None:
    counted = Counter(t["ResTarget"].get("name") for t in targets or () if "ResTarget" in t)
    for name, n in counted.items():
        if name and n > 1:
            stmt.report("duplicate-column-assignment", f'column "{name}" of {show(table)} is assigned {n} times')


def create_index_like(stmt: Statement, node: Node) -> None:
    """REINDEX."""
    concurrent = any(p.get("DefElem", {}).get("defname") == "concurrently" for p in node.get("params", ()))
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


def vacuum(stmt: Statement, node: Node) -> None:
    if not node.get("is_vacuumcmd"):
        return  # ANALYZE may run in a transaction
    if in_run_transaction(stmt.state):
        stmt.report("cannot-run-in-transaction", "VACUUM cannot run inside the migration transaction")
    if any(o.get("DefElem", {}).get("defname") == "full" for o in node.get("options", ())):
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


def alter_domain(stmt: Statement, node: Node) -> None:
    if node.get("subtype") == "C":
        key = qualified(node.get("typeName"))
        stmt.report("domain-constraint", f"ADD CONSTRAINT on domain {show(key)} scans every table that uses it",
                    lock="SHARE on every table using the domain", blocks="writes to those tables")


def set_schema(stmt: Statement, node: Node) -> None:
    state = stmt.state
    key = rel(node["relation"]) if "relation" in node else _object_key(node.get("object") or {})
    created = state.tables | state.views | state.types | state.sequences | state.functions
    if key not in created:
        stmt.report("set-schema", f'moving {show(key)} to schema "{node.get("newschema", "")}" breaks queries that '
                    "use the old name")


def transaction(stmt: Statement, node: Node) -> None:
    kind = node.get("kind", "")
    state = stmt.state
    opens = kind in ("TRANS_STMT_BEGIN", "TRANS_STMT_START")
    closes = kind in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED",
                      "TRANS_STMT_ROLLBACK_PREPARED")
    if state.mode is RunMode.TRANSACTION:  # the planned mode turns COMMIT/BEGIN into step boundaries
        word = kind.removeprefix("TRANS_STMT_").replace("_", " ")
        stmt.report("transaction-control-in-migration", f"{word} inside the migration: the runner's transaction is "
                    + ("committed early here; the statements after it run outside any transaction" if closes
                       else "already open" if opens else "managed by the runner"),
                    suggestion="-- remove this statement; neontui migrate runs no-transaction steps on its own")
    if closes:
        # Under neontui's plan the statements after a COMMIT start the next transaction step.
        state.in_transaction = state.mode is RunMode.PLANNED
        state.end_transaction()
    elif opens:
        state.in_transaction = True


def variable_set(stmt: Statement, node: Node) -> None:
    name = node.get("name", "")
    if name == "lock_timeout":
        stmt.state.lock_timeout = True
    elif name == "statement_timeout":
        stmt.state.statement_timeout = True


def do_block(stmt: Statement, node: Node) -> None:
    """Older drizzle-kit wraps foreign keys and CREATE TYPE in DO blocks; their bodies run, so lint them."""
    try:
        functions = pglast.parse_plpgsql(stmt.text)
    except Exception:  # pglast raises ParseError or plain exceptions for bodies in other languages
        return
    for item in walk(functions):
        expr = item.get("PLpgSQL_stmt_execsql", {}).get("sqlstmt", {}).get("PLpgSQL_expr")
        if not expr:
            continue
        query = expr.get("query", "")
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


# --- advisory helpers and the per-statement epilogue ------------------------------------------------------

def column_type_advice(stmt: Statement, table: TableKey, name: str, base: str, mods: tuple[int, ...],
                       column: Node) -> None:
    where = f'"{name}" in {show(table)}'
    if base == "json":
        stmt.report("json-column", f"{where} is json; jsonb supports equality and indexing")
    elif base in SERIAL_TYPES:
        stmt.report("prefer-identity", f"{where} is {base}; prefer an identity column")
    if base in INT_TYPES and _is_key(column):
        stmt.report("prefer-bigint", f"{where} is a 32-bit key; bigint does not run out")
    elif base == "varchar":
        stmt.report("prefer-text-field", f"{where} is varchar{f'({mods[0]})' if mods else ''}; prefer text")
    elif base == "timestamp":
        stmt.report("prefer-timestamptz", f"{where} is timestamp without time zone; prefer timestamptz")
    elif base == "bpchar":
        stmt.report("ban-char-field", f"{where} is char(n); prefer text")


def _is_key(column: Node) -> bool:
    return any(c["contype"] in ("CONSTR_PRIMARY", "CONSTR_IDENTITY") for c in constraints(column)) or \
        type_of(column.get("typeName", {}))[0] in SERIAL_TYPES


_WIDTH = {"int8": 8, "float8": 8, "timestamp": 8, "timestamptz": 8, "bigserial": 8, "serial8": 8, "time": 8,
          "int4": 4, "float4": 4, "date": 4, "serial": 4, "serial4": 4, "int2": 2, "smallserial": 2, "bool": 1,
          "uuid": 16}


def column_alignment(stmt: Statement, table: TableKey, columns: list[tuple[str, str]]) -> None:
    widths = [_WIDTH.get(base, 0) for _, base in columns]  # 0: variable width
    for i in range(1, len(widths)):
        if widths[i] == 8 and any(0 < w < 8 or w == 0 for w in widths[:i]):
            stmt.report("column-alignment", f'"{columns[i][0]}" in {show(table)} follows narrower or variable-width '
                        "columns; reorder to save padding")
            return


def unqualified(stmt: Statement, rangevar: Node) -> None:
    if not rangevar.get("schemaname"):
        stmt.report("require-table-schema", f'"{rangevar.get("relname", "")}" is not schema-qualified')


LOCKING = {"AlterTableStmt", "IndexStmt", "DropStmt", "RenameStmt", "TruncateStmt", "ReindexStmt", "ClusterStmt",
           "RefreshMatViewStmt", "AlterObjectSchemaStmt"}


def after_statement(stmt: Statement, node_type: str, node: Node) -> None:
    """Per-statement checks that do not depend on the statement kind."""
    identifier_length(stmt)
    state = stmt.state
    if state.new_enum_labels and node_type not in ("AlterEnumStmt", "CreateEnumStmt"):
        for item in walk(node):
            value = item.get("A_Const", {}).get("sval", {}).get("sval")
            if value in state.new_enum_labels:
                stmt.report("enum-add-value-in-transaction", f"'{value}' was added to "
                            f"{show(state.new_enum_labels[value])} in this transaction and cannot be used before it "
                            "commits (55P04)")
                break
    if node_type in LOCKING and not stmt.source.timeout_advised and not (state.lock_timeout and
                                                                         state.statement_timeout):
        stmt.source.timeout_advised = True
        if not state.lock_timeout:
            stmt.report("missing-lock-timeout", "no lock_timeout is set before this lock-taking statement")
        if not state.statement_timeout:
            stmt.report("missing-statement-timeout", "no statement_timeout is set before this lock-taking statement")


def identifier_length(stmt: Statement) -> None:
    """The parser already truncates identifiers to 63 bytes, so the check reads the tokens of the raw text."""
    text = stmt.text
    if not _LONG_RUN.search(text):
        return
    raw = text.encode("utf-8")
    for token in pg_parser.scan(text):
        if token.name != "IDENT":
            continue
        word = raw[token.start:token.end + 1].decode("utf-8", "replace")
        name = word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()
        size = len(name.encode("utf-8"))
        if size > MAX_IDENTIFIER:
            truncated = name.encode("utf-8")[:MAX_IDENTIFIER].decode("utf-8", "ignore")
            stmt.report("identifier-too-long", f'"{name}" is {size} bytes; PostgreSQL truncates it to "{truncated}"',
                        at=stmt.start + len(raw[:token.start].decode("utf-8", "replace")),
                        suggestion=f'-- PostgreSQL will use "{truncated}"; a later statement naming "{name}" fails')


def _not_null_columns(expr: Node | None) -> tuple[str, ...]:
    """Columns that a CHECK expression proves NOT NULL: `c IS NOT NULL` (possibly AND-ed)."""
    found = []
    for item in walk(expr or {}):
        test = item.get("NullTest")
        if test and test.get("nulltesttype") == "IS_NOT_NULL":
            fields = names(test.get("arg", {}).get("ColumnRef", {}).get("fields"))
            if fields:
                found.append(fields[-1])
    return tuple(found)


def _object_key(obj: Node) -> TableKey:
    if "List" in obj:
        return qualified(obj["List"].get("items"))
    if "String" in obj:
        return ("public", obj["String"]["sval"])
    if "TypeName" in obj:
        return qualified(obj["TypeName"].get("names"))
    if "ObjectWithArgs" in obj:
        return qualified(obj["ObjectWithArgs"].get("objname"))
    return ("public", "")


def _parse_type(sql_type: str) -> tuple[str, tuple[int, ...]]:
    try:
        tree = parse(f"SELECT NULL::{sql_type}")
        cast = tree[0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]["TypeCast"]
        return type_of(cast["typeName"])
    except (SqlSyntaxError, KeyError, IndexError):
        return (sql_type.lower(), ())


def binary_coercible(old: tuple[str, tuple[int, ...]], new: tuple[str, tuple[int, ...]], pg: int) -> bool:
    """Type changes that need no rewrite (safety-rules.md §3.3)."""
    (a, amods), (b, bmods) = old, new
    if old == new:
        return True
    if a == "varchar" and b == "varchar":
        return not bmods or (bool(amods) and bmods[0] >= amods[0])
    if a in ("varchar", "text") and b == "text":
        return True
    if a == "text" and b == "varchar" and not bmods:
        return True
    if a == "numeric" and b == "numeric":
        return not bmods or (len(amods) == 2 and len(bmods) == 2 and bmods[1] == amods[1] and bmods[0] >= amods[0])
    if (a, b) == ("cidr", "inet"):
        return True
    return {a, b} == {"timestamp", "timestamptz"} and versions.timestamptz_without_rewrite(pg)


HANDLERS: dict[str, Callable[[Statement, Node], None]] = {
    "CreateStmt": create_table, "CreateTableAsStmt": create_table_as, "ViewStmt": create_view,
    "IndexStmt": create_index, "CreateEnumStmt": create_enum, "CompositeTypeStmt": create_type,
    "CreateRangeStmt": create_type, "CreateDomainStmt": create_domain, "CreateSchemaStmt": create_schema,
    "CreateSeqStmt": create_sequence, "CreateFunctionStmt": create_function, "CreatedbStmt": create_database,
    "AlterTableStmt": alter_table, "RenameStmt": rename, "AlterEnumStmt": alter_enum, "DropStmt": drop,
    "DropdbStmt": drop_database, "TruncateStmt": truncate, "DeleteStmt": delete, "UpdateStmt": update,
    "InsertStmt": insert, "ReindexStmt": create_index_like, "VacuumStmt": vacuum, "ClusterStmt": cluster,
    "RefreshMatViewStmt": refresh, "AlterDomainStmt": alter_domain, "AlterObjectSchemaStmt": set_schema,
    "TransactionStmt": transaction, "VariableSetStmt": variable_set, "DoStmt": do_block,
}
