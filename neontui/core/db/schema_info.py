"""Facts about the live schema that make the safety review more precise (read-only queries)."""

from __future__ import annotations

import psycopg

from neontui.core.db.blockers import catalog_failure

_COLUMNS = """
select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
"""


def column_types(conn: psycopg.Connection) -> dict[tuple[str, str, str], str]:
    """(schema, table, column) → SQL type of every user table column, e.g. 'character varying(50)'."""
    try:
        return {(s, t, c): type_ for s, t, c, type_ in conn.execute(_COLUMNS)}
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, "read the column types") from None
