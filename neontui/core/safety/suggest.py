"""Safe rewrites built from the user's own statement text and names (docs/review.md#safe-rewrites)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from neontui.core.schema.names import NAME_BYTES, clip

if TYPE_CHECKING:
    from neontui.core.safety.engine import Node, Statement, TableKey

NO_TX = "-- run outside the migration transaction (neontui migrate runs it as its own step)\n"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_sql(table: TableKey) -> str:
    schema, name = table
    return ident(name) if schema == "public" else f"{ident(schema)}.{ident(name)}"


def _statement(text: str) -> str:
    return text.strip().rstrip(";").rstrip()


def outside_transaction(text: str) -> str:
    return f"{NO_TX}{_statement(text)};"


def concurrent_index(text: str) -> str:
    rewritten = re.sub(r"(?i)^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX)\b", r"\1 CONCURRENTLY", _statement(text), count=1)
    return f"{NO_TX}{rewritten};"


def partitioned_index(text: str) -> str:
    """A partitioned table's index without blocking writes: the parent's index alone (ON ONLY: catalog only, invalid
    until every partition's index is attached), then each partition's CONCURRENTLY, attached one by one."""
    statement = re.sub(r"(?i)\s+CONCURRENTLY\b", "", _statement(text), count=1)
    parent = re.sub(r"(?i)\bON\s+(?!ONLY\b)", "ON ONLY ", statement, count=1)
    return (f"{parent};\n"
            f"{NO_TX}-- then, for each partition (the parent's index is valid once all are attached):\n"
            f"CREATE INDEX CONCURRENTLY \"<partition>_idx\" ON \"<partition>\" (…the same columns…);\n"
            f"ALTER INDEX \"<parent index>\" ATTACH PARTITION \"<partition>_idx\";")


def concurrently_after(text: str, pattern: str, *, before: bool = False) -> str:
    """Insert CONCURRENTLY after the first match of `pattern` (DETACH PARTITION p, REFRESH MATERIALIZED VIEW…)."""
    statement = _statement(text)
    match = re.search(pattern, statement, re.IGNORECASE)
    if match is None:
        return outside_transaction(text)
    rewritten = f"{statement[:match.end()]} CONCURRENTLY{statement[match.end():]}"
    return f"{NO_TX}{rewritten};"


def not_valid_then_validate(stmt: Statement, table: TableKey, name: str, single: bool) -> str | None:
    if not single or not name:
        return None
    return (f"-- run 1\n{_statement(stmt.text)} NOT VALID;\n"
            f"-- run 2 (a later apply, not the same run)\nALTER TABLE {table_sql(table)} VALIDATE CONSTRAINT "
            f"{ident(name)};")


def index_then_constraint(table: TableKey, name: str, what: str, keys: list[str]) -> str | None:
    if not name or not keys:
        return None
    index = f"{clip(name, NAME_BYTES - 4)}_idx"
    columns = ", ".join(ident(k) for k in keys)
    return (f"{NO_TX}CREATE UNIQUE INDEX CONCURRENTLY {ident(index)} ON {table_sql(table)} ({columns});\n"
            f"-- then, in the migration\nALTER TABLE {table_sql(table)} ADD CONSTRAINT {ident(name)} {what} "
            f"USING INDEX {ident(index)};")


def set_not_null(table: TableKey, column: str) -> str:
    check = ident(clip(f"{table[1]}_{column}_not_null"))
    t = table_sql(table)
    return (f"-- run 1\nALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({ident(column)} IS NOT NULL) NOT VALID;\n"
            f"-- run 2\nALTER TABLE {t} VALIDATE CONSTRAINT {check};\n"
            f"ALTER TABLE {t} ALTER COLUMN {ident(column)} SET NOT NULL;  -- no scan on PostgreSQL 12+\n"
            f"ALTER TABLE {t} DROP CONSTRAINT {check};")


def volatile_default(stmt: Statement, table: TableKey, column: str, default: Node) -> str:
    expression = _expression_text(stmt, default)
    t = table_sql(table)
    add = re.sub(r"(?is)\s+DEFAULT\s+.*?(?=\s+NOT\s+NULL|\s+PRIMARY|\s+UNIQUE|\s+REFERENCES|\s*$)", "",
                 _statement(stmt.text), count=1)
    add = re.sub(r"(?i)\s+NOT\s+NULL", "", add)
    return (f"{add};\nALTER TABLE {t} ALTER COLUMN {ident(column)} SET DEFAULT {expression};\n"
            f"-- then backfill existing rows in keyed batches, outside the migration:\n"
            f"-- UPDATE {t} SET {ident(column)} = {expression} WHERE {ident(column)} IS NULL AND id BETWEEN … AND …;")


def required_column(stmt: Statement, table: TableKey, column: str) -> str:
    add = re.sub(r"(?i)\s+NOT\s+NULL", "", _statement(stmt.text), count=1)
    return (f"-- run 1\n{add};\n-- backfill in batches outside the migration, then run 2:\n"
            + set_not_null(table, column).split("-- run 1\n", 1)[1].replace("-- run 2", "-- run 3"))


def drop_column(table: TableKey, column: str) -> str:
    return (f"-- deploy 1: remove {ident(column)} from the Drizzle schema so the application stops using it\n"
            f"-- deploy 2:\nALTER TABLE {table_sql(table)} DROP COLUMN {ident(column)};")


def change_type(table: TableKey, column: str, new_type: str) -> str:
    t, new = table_sql(table), ident(f"{column}_new")
    return (f"ALTER TABLE {t} ADD COLUMN {new} {new_type};\n-- write to both columns from the application, "
            f"backfill {new} in batches, switch reads, then:\n-- ALTER TABLE {t} DROP COLUMN {ident(column)}; "
            f"ALTER TABLE {t} RENAME COLUMN {new} TO {ident(column)};")


def rename_column(old: str, new: str) -> str:
    return (f"-- keep the database name: in the Drizzle schema map the field to the old column,\n"
            f"-- e.g. {new}: text('{old}'), and drop this RENAME")


def _expression_text(stmt: Statement, default: Node) -> str:
    """The default expression as written: from its location to the end of the clause."""
    expr = default.get("raw_expr", {})
    location = next((v.get("location") for v in expr.values() if isinstance(v, dict) and "location" in v), None)
    if location is None:
        return "<default>"
    start = stmt.char_offset(location)
    tail = stmt.chunk[start:stmt.end]
    match = re.match(r"(?is)(.*?)(?=\s+NOT\s+NULL|\s+PRIMARY\s+KEY|\s+UNIQUE|\s+REFERENCES|\s+CHECK|\s*$)", tail)
    return (match[1] if match else tail).strip()
