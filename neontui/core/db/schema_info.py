"""Facts about the live schema that make the safety review more precise (read-only queries)."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg

from neontui.core.db.blockers import catalog_failure
from neontui.core.schema.model import Column, Constraint, ConstraintKind, Schema, Table, Volatility

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


# ----------------------------------------------------------------------------------------------------
# The whole schema, for the review (core.schema.model)

# User tables: other sessions' temporary tables (relpersistence 't', in pg_temp_N) are no part of the schema.
_USER_TABLE = """c.relkind in ('r', 'p') and c.relpersistence <> 't'
  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'"""

# Tables and their columns in one query (a table without columns still gets its row from the left join). Nothing
# here locks a table: format_type reads only pg_type.
_TABLE_COLUMNS = f"""
select n.nspname, c.relname, c.relkind = 'p', c.reltuples::float8,
       a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity <> ''
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where {_USER_TABLE}
order by n.nspname, c.relname, a.attnum
"""

# Defaults and generation expressions share pg_attrdef. pg_get_expr takes ACCESS SHARE on the table (PostgreSQL 15
# and 18 alike), so this and the CHECK texts below wait behind a session holding ACCESS EXCLUSIVE; the catalog
# lock_timeout bounds the wait.
_EXPRESSIONS = f"""
select n.nspname, c.relname, a.attname, a.attgenerated <> '', pg_get_expr(d.adbin, d.adrelid)
from pg_attrdef d
join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
join pg_class c on c.oid = d.adrelid
join pg_namespace n on n.oid = c.relnamespace
where {_USER_TABLE}
"""

# conkey's column names in key order. A foreign key that references a partitioned table gets one more row on the
# same table per referenced partition (named `…_fkey1` on PostgreSQL 15, `…_fkey_1` on 18), whose parent is the
# user's constraint: those are PostgreSQL's bookkeeping, not constraints anyone declared. A partition's copy of
# its parent's constraint (the parent's row is on another table) is kept: it is the partition's own.
_CONSTRAINTS = f"""
select n.nspname, c.relname, k.conname, k.contype,
       array(select a.attname from unnest(k.conkey) with ordinality as key(attnum, position)
             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = key.attnum order by key.position),
       case when k.contype = 'c' then pg_get_expr(k.conbin, k.conrelid) end,
       k.convalidated, rn.nspname, r.relname
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class r on r.oid = k.confrelid
left join pg_namespace rn on rn.oid = r.relnamespace
where k.contype in ('p', 'u', 'c', 'f', 'x', 'n') and {_USER_TABLE}
  and not exists (select from pg_constraint parent where parent.oid = k.conparentid and parent.conrelid = k.conrelid)
"""

_INDEXES = f"""
select n.nspname, c.relname, i.relname
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_class c on c.oid = x.indrelid
join pg_namespace n on n.oid = c.relnamespace
where {_USER_TABLE}
"""

# From pg_type, so that an enum without labels (CREATE TYPE … AS ENUM ()) is still there.
_ENUMS = """
select n.nspname, t.typname, array_remove(array_agg(e.enumlabel order by e.enumsortorder), null)
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
left join pg_enum e on e.enumtypid = t.oid
where t.typtype = 'e'
group by n.nspname, t.typname
"""

_EXTENSIONS = "select extname from pg_extension"

# Every schema, pg_catalog included: the review asks whether now() or gen_random_uuid() is volatile. max() of the
# "char" codes is the most volatile overload because 'i' < 's' < 'v'.
_FUNCTIONS = """
select n.nspname, p.proname, max(p.provolatile)
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
group by n.nspname, p.proname
"""

_CONSTRAINT_KINDS = {"p": ConstraintKind.PRIMARY, "u": ConstraintKind.UNIQUE, "c": ConstraintKind.CHECK,
                     "f": ConstraintKind.FOREIGN, "x": ConstraintKind.EXCLUSION, "n": ConstraintKind.NOT_NULL}


def read_schema(conn: psycopg.Connection, *, origin: str = "the live database") -> Schema:
    """Every user table (columns, constraints, indexes, row estimate), enum, extension and function of the database,
    in seven queries. The queries run one by one: a table created or dropped between them is described as far as
    the queries that saw it go (rows of a table the first query did not see are left out)."""
    schema = Schema(origin=origin, rows_known=True)
    try:
        _read_tables(conn, schema)
        _read_expressions(conn, schema)
        _read_constraints(conn, schema)
        for nspname, relname, index in conn.execute(_INDEXES):
            if (table := schema.tables.get((nspname, relname))) is not None:
                table.indexes.add(index)
        schema.enums = {(s, t): list(labels) for s, t, labels in conn.execute(_ENUMS)}
        schema.extensions = {name for (name,) in conn.execute(_EXTENSIONS)}
        schema.functions = {(s, f): Volatility(v) for s, f, v in conn.execute(_FUNCTIONS)}
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, "read the schema", list(schema.tables)) from None
    return schema


def _read_tables(conn: psycopg.Connection, schema: Schema) -> None:
    for nspname, relname, partitioned, tuples, column, type_, not_null, identity in conn.execute(_TABLE_COLUMNS):
        table = schema.tables.get((nspname, relname))
        if table is None:
            # reltuples is -1 until the first VACUUM or ANALYZE (PostgreSQL 14 and later): unknown, not empty.
            rows = None if tuples < 0 else tuples
            table = schema.tables[(nspname, relname)] = Table(partitioned=partitioned, rows=rows)
        if column is not None:
            table.columns[column] = Column(type=type_, not_null=not_null, identity=identity)


def _read_expressions(conn: psycopg.Connection, schema: Schema) -> None:
    for nspname, relname, name, generated, expression in conn.execute(_EXPRESSIONS):
        if (column := schema.column((nspname, relname), name)) is None:
            continue
        if generated:
            column.generated = expression
        else:
            column.default = expression


def _read_constraints(conn: psycopg.Connection, schema: Schema) -> None:
    for nspname, relname, name, kind, columns, expression, validated, ref_schema, ref_table in conn.execute(
            _CONSTRAINTS):
        if (table := schema.tables.get((nspname, relname))) is None:
            continue
        references = (ref_schema, ref_table) if ref_table is not None else None
        table.constraints[name] = Constraint(kind=_CONSTRAINT_KINDS[kind], columns=tuple(columns),
                                             expression=expression, validated=validated, references=references)
