"""Constraints: ADD/VALIDATE/DROP CONSTRAINT on tables and ADD CONSTRAINT on domains."""

from __future__ import annotations

from neontui.core.safety import suggest
from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.nodes import (
    names,
    new_table,
    not_null_columns,
    qualified,
    rel,
    schema_not_null_check,
    show,
)
from neontui.core.safety.rules.transaction import rerun_hazard


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
            state.not_valid.add((table, name))
        else:
            stmt.report("add-foreign-key-validating", f"ADD FOREIGN KEY {label} takes SHARE ROW EXCLUSIVE on "
                        f"{target} and {ref} while it scans {target}",
                        lock=f"SHARE ROW EXCLUSIVE on {target} and {ref}", blocks=f"writes to {target} and {ref}",
                        suggestion=suggest.not_valid_then_validate(stmt, table, name, single), table=table)
    elif kind == "CONSTR_CHECK":
        if not_valid:
            state.not_valid.add((table, name))
            state.not_null_checks[(table, name)] = not_null_columns(con.get("raw_expr"))
        else:
            stmt.report("add-check-constraint-validating", f"ADD CHECK {label} scans all of {target} under ACCESS "
                        "EXCLUSIVE", lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}",
                        suggestion=suggest.not_valid_then_validate(stmt, table, name, single), table=table)
    elif kind in ("CONSTR_UNIQUE", "CONSTR_PRIMARY") and not con.get("indexname"):
        rule, what = ("add-unique-constraint", "UNIQUE") if kind == "CONSTR_UNIQUE" else ("add-primary-key",
                                                                                         "PRIMARY KEY")
        stmt.report(rule, f"ADD {what} {label} builds its index on {target} under ACCESS EXCLUSIVE",
                    lock=f"ACCESS EXCLUSIVE on {target} for the index build", blocks=f"reads and writes of {target}",
                    suggestion=suggest.index_then_constraint(table, name, what, names(con.get("keys"))), table=table)
        stmt.report("unique-index-data-dependent", f"{what} {label} fails if existing rows of {target} have "
                    "duplicates", table=table)
    elif kind == "CONSTR_EXCLUSION":
        stmt.report("add-exclusion-constraint", f"ADD EXCLUDE {label} checks every row of {target} under ACCESS "
                    "EXCLUSIVE", lock=f"ACCESS EXCLUSIVE on {target}", blocks=f"reads and writes of {target}",
                    table=table)


def validate_constraint(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    state = stmt.state
    key = (table, name)
    if key in state.not_valid and state.in_transaction:
        stmt.report("validate-constraint-same-transaction", f'VALIDATE CONSTRAINT "{name}" runs in the same '
                    f"transaction that added it NOT VALID, so {show(table)} stays locked during the scan",
                    lock=f"the ADD's lock on {show(table)}, held until the run commits",
                    blocks=f"reads and writes of {show(table)}")
    columns = state.not_null_checks.get(key)
    if columns is None:
        columns = schema_not_null_check(stmt, table, name)  # a snapshot cannot tell NOT VALID: after this, valid
    for column in columns:
        state.validated_not_null.add((table, column))


def drop_constraint(stmt: Statement, table: TableKey, cmd: Node, single: bool) -> None:
    name = cmd.get("name", "")
    rerun_hazard(stmt, cmd.get("missing_ok", False), f'DROP CONSTRAINT "{name}" has no IF EXISTS')
    if not new_table(stmt.state, table) and (table, name) not in stmt.state.constraints:
        stmt.report("drop-constraint", f'DROP CONSTRAINT "{name}" removes a guarantee of {show(table)}')


def alter_domain(stmt: Statement, node: Node) -> None:
    if node.get("subtype") == "C":
        key = qualified(node.get("typeName"))
        stmt.report("domain-constraint", f"ADD CONSTRAINT on domain {show(key)} scans every table that uses it",
                    lock="SHARE on every table using the domain", blocks="writes to those tables")
