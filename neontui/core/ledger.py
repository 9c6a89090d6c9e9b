"""The database's migration ledger (drizzle's `__drizzle_migrations` table), read without changing anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from neontui.core.errors import NeontuiError

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

DEFAULT_SCHEMA = "drizzle"
DEFAULT_TABLE = "__drizzle_migrations"
# drizzle 1.0 adds these to the 0.x table; their presence is detected, never assumed.
V1_COLUMNS = ("name", "applied_at")


@dataclass(frozen=True)
class LedgerRow:
    id: int
    hash: str
    created_at: int | None  # the journal `when` drizzle recorded, not the apply time
    name: str | None = None
    applied_at: datetime | None = None


@dataclass(frozen=True)
class Ledger:
    schema: str
    table: str
    exists: bool
    columns: tuple[str, ...]
    rows: tuple[LedgerRow, ...]  # in id (apply) order
    latest: LedgerRow | None  # the row drizzle's own query picks: ORDER BY created_at DESC LIMIT 1

    @property
    def qualified_name(self) -> str:
        return f'"{self.schema}"."{self.table}"'

    @property
    def is_v1(self) -> bool:
        return all(c in self.columns for c in V1_COLUMNS)


def table_identifier(schema: str, table: str) -> sql.Composed:
    from psycopg import sql  # here, not at import: the console's first frame must not wait for the driver

    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))


def latest_row_query(schema: str, table: str) -> sql.Composed:
    """drizzle's step-3 query, verbatim, so PostgreSQL itself decides NULL ordering exactly as for drizzle."""
    from psycopg import sql

    return sql.SQL("select id, hash, created_at from {} order by created_at desc limit 1").format(
        table_identifier(schema, table))


def read_ledger(conn: psycopg.Connection, schema: str = DEFAULT_SCHEMA, table: str = DEFAULT_TABLE) -> Ledger:
    import psycopg
    from psycopg import sql

    try:
        columns = tuple(r[0] for r in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (schema, table),
        ))
        if not columns:
            # Absent schema or table: a fresh database, every migration is pending.
            return Ledger(schema, table, False, (), (), None)
        extra = [c for c in V1_COLUMNS if c in columns]
        select = sql.SQL("select id, hash, created_at{} from {} order by id").format(
            sql.SQL("").join(sql.SQL(", ") + sql.Identifier(c) for c in extra),
            table_identifier(schema, table),
        )
        rows = tuple(
            LedgerRow(id=r[0], hash=r[1], created_at=None if r[2] is None else int(r[2]),
                      **dict(zip(extra, r[3:], strict=True)))
            for r in conn.execute(select)
        )
        latest = conn.execute(latest_row_query(schema, table)).fetchone()
    except psycopg.Error as exc:
        raise NeontuiError(f'cannot read the ledger "{schema}"."{table}": {exc}') from None
    finally:
        if not conn.autocommit:
            conn.rollback()
    latest_row = None if latest is None else next(r for r in rows if r.id == latest[0])
    return Ledger(schema, table, True, columns, rows, latest_row)
