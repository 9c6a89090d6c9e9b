"""Facts about the live schema that make the safety review more precise (read-only queries)."""

from __future__ import annotations

from collections.abc import Iterable

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


# One round trip for every table the batch names; pg_total_relation_size counts the heap, its TOAST and every index.
# Each call takes ACCESS SHARE on the table, so a session holding ACCESS EXCLUSIVE makes this wait up to the
# catalog's lock_timeout (connect() sets it), which then names that session (catalog_failure).
_SIZES = """
select n.nspname, c.relname, pg_total_relation_size(c.oid), c.reltuples::float8
from unnest(%s::text[], %s::text[]) as wanted(nspname, relname)
join pg_namespace n on n.nspname = wanted.nspname
join pg_class c on c.relnamespace = n.oid and c.relname = wanted.relname
"""


def table_sizes(conn: psycopg.Connection,
                tables: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, float]]:
    """(schema, table) → (total size in bytes, pg_class.reltuples) for each of `tables` that exists; reltuples is
    the planner's row estimate, -1 when the table was never vacuumed or analyzed (PostgreSQL 14 and later)."""
    wanted = sorted(set(tables))
    if not wanted:
        return {}
    try:
        rows = conn.execute(_SIZES, ([s for s, _ in wanted], [t for _, t in wanted])).fetchall()
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, "read the tables' sizes", wanted) from None
    return {(s, t): (int(size or 0), float(tuples)) for s, t, size, tuples in rows}


# The foreign keys of the named tables (and their referenced tables): dropping one removes triggers on the referenced
# table under ACCESS EXCLUSIVE, a lock the statement's text does not show (core.sql.locks).
_FOREIGN_KEYS = """
select n.nspname, c.relname, k.conname, rn.nspname, r.relname
from unnest(%s::text[], %s::text[]) as wanted(nspname, relname)
join pg_namespace n on n.nspname = wanted.nspname
join pg_class c on c.relnamespace = n.oid and c.relname = wanted.relname
join pg_constraint k on k.conrelid = c.oid and k.contype = 'f'
join pg_class r on r.oid = k.confrelid
join pg_namespace rn on rn.oid = r.relnamespace
"""


def foreign_keys(conn: psycopg.Connection,
                 tables: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, tuple[str, str]]]:
    """(schema, table) → {constraint name → the (schema, table) it references} for each of `tables` with some."""
    wanted = sorted(set(tables))
    if not wanted:
        return {}
    try:
        rows = conn.execute(_FOREIGN_KEYS, ([s for s, _ in wanted], [t for _, t in wanted])).fetchall()
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, "read the tables' foreign keys", wanted) from None
    found: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for schema, table, name, ref_schema, ref_table in rows:
        found.setdefault((schema, table), {})[name] = (ref_schema, ref_table)
    return found
