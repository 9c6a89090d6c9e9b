"""Apply pending migrations exactly as drizzle-orm's migrator does (drizzle.md §3.2, §6).

Same bookkeeping DDL, same pending rule, same ledger rows (hash, created_at = journal `when`), all pending
migrations in one transaction, so `drizzle-kit migrate` and neontui can be mixed freely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from neontui.core.errors import NeontuiError
from neontui.core.journal import Journal, Migration
from neontui.core.ledger import read_ledger, table_identifier
from neontui.core.status import pending_entries


class MigrationFailed(NeontuiError):
    def __init__(self, tag: str, statement: int, error: psycopg.Error) -> None:
        self.tag, self.statement = tag, statement
        self.sqlstate = error.sqlstate
        detail = error.diag.message_primary or str(error)
        super().__init__(f"{tag} statement {statement} failed: {detail}"
                         + (f" [SQLSTATE {error.sqlstate}]" if error.sqlstate else "")
                         + "; the whole batch was rolled back")


@dataclass(frozen=True)
class ApplyResult:
    applied: tuple[str, ...]


def ensure_ledger(conn: psycopg.Connection, schema: str, table: str) -> None:
    """drizzle's two bookkeeping statements; CREATE SCHEMA is skipped when the schema exists, because it needs
    the CREATE privilege on the database even then (drizzle.md §3.3)."""
    if conn.execute("select 1 from pg_namespace where nspname = %s", (schema,)).fetchone() is None:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ( id SERIAL PRIMARY KEY, hash text NOT NULL, "
                         "created_at bigint )").format(table_identifier(schema, table)))


def apply_pending(conn: psycopg.Connection, journal: Journal, schema: str, table: str, *,
                  limit: int | None = None) -> ApplyResult:
    """Apply the pending batch (or its first `limit` migrations) in one transaction on an autocommit connection."""
    missing = [e.path for e in journal.entries if not e.exists]
    if missing:
        raise NeontuiError(f"No file {missing[0]} found: nothing was applied")
    ensure_ledger(conn, schema, table)
    ledger = read_ledger(conn, schema, table)
    batch: Sequence[Migration] = pending_entries(journal.entries, ledger.latest)
    batch = batch[:limit] if limit is not None else batch
    with_name = ledger.is_v1
    insert = sql.SQL("insert into {} (\"hash\", \"created_at\"{}) values (%s, %s{})").format(
        table_identifier(schema, table), sql.SQL(', "name"' if with_name else ""),
        sql.SQL(", %s" if with_name else ""))
    with conn.transaction():
        for migration in batch:
            for index, chunk in enumerate(migration.statements):
                if not chunk.strip():
                    continue  # an empty query; drizzle sends it, the server ignores it
                try:
                    conn.execute(chunk.encode("utf-8"))  # bytes and no params: simple protocol, `%` left alone
                except psycopg.Error as exc:
                    raise MigrationFailed(migration.tag, index, exc) from None
            params = (migration.hash, migration.when, migration.tag) if with_name else (migration.hash, migration.when)
            conn.execute(insert, params)
    return ApplyResult(applied=tuple(m.tag for m in batch))
