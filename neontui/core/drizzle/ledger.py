"""The database's migration ledger (drizzle's `__drizzle_migrations` table), read without changing anything.

"Cannot read the ledger" is never "no ledger": pg_namespace, pg_class and pg_attribute are readable without any
privilege, so whether the ledger exists is known even when this role may not read it, and then the error names the
GRANT that fixes it (showing every applied migration as pending would invite running them twice).
"""

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
        """drizzle 1.0's own test: a `name` column means the v1 table (applied_at may be absent)."""
        return "name" in self.columns


def ledger_version(ledger: Ledger) -> int | None:
    """0 or 1 as drizzle 1.0 counts ledger versions; None when there is no ledger yet."""
    return (1 if ledger.is_v1 else 0) if ledger.exists else None


def table_identifier(schema: str, table: str) -> sql.Composed:
    from psycopg import sql  # here, not at import: the console's first frame must not wait for the driver

    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))


def latest_id_query(schema: str, table: str) -> sql.Composed:
    """drizzle's step-3 query (its ORDER BY verbatim, so PostgreSQL itself decides NULL ordering exactly as for
    drizzle), as a scalar subquery: the ledger is read in one round trip, rows and latest together."""
    from psycopg import sql

    return sql.SQL("(select id from {} order by created_at desc limit 1)").format(table_identifier(schema, table))


class LedgerAccessDenied(NeontuiError):
    """This role may not read the ledger, or not do what a run does to it (create it, add rows, in a writable
    session); the hint is the GRANT (or setting) that fixes it."""


# One round trip: who we are, whether the session may write, whether the ledger exists and what this role may do
# with it. Only catalogs every role can read, and has_*_privilege on OIDs, so it never fails for lack of a privilege.
_ACCESS = """
select current_user, current_database(), pg_is_in_recovery(),
       case when current_setting('transaction_read_only') = 'on'
            then (select source from pg_catalog.pg_settings where name = 'default_transaction_read_only') end,
       n.oid is not null, c.oid is not null, pg_catalog.pg_get_userbyid(n.nspowner),
       has_database_privilege(current_database(), 'CREATE'),
       coalesce(has_schema_privilege(n.oid, 'USAGE'), false), coalesce(has_schema_privilege(n.oid, 'CREATE'), false),
       coalesce(has_table_privilege(c.oid, 'SELECT'), false), coalesce(has_table_privilege(c.oid, 'INSERT'), false),
       seq.name, coalesce(has_sequence_privilege(seq.oid, 'USAGE, UPDATE'), true),
       array(select a.attname::text from pg_catalog.pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum)
from (select %s::name as nspname, %s::name as relname) want
left join pg_catalog.pg_namespace n on n.nspname = want.nspname
left join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = want.relname
left join lateral (  -- the id column's serial (or identity) sequence: an INSERT calls nextval on it
    select s.oid, quote_ident(sn.nspname) || '.' || quote_ident(s.relname) as name
    from pg_catalog.pg_depend d
    join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S'
    join pg_catalog.pg_namespace sn on sn.oid = s.relnamespace
    where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
      and d.refobjid = c.oid and d.deptype in ('a', 'i')
    limit 1
) seq on true
"""


# pg_settings.source of default_transaction_read_only, in words.
_READ_ONLY_SOURCES = {
    "database": "set for the database", "user": "set for the role",
    "database user": "set for the role in this database", "configuration file": "set in the server's configuration",
    "client": "set by the client (PGOPTIONS or options=)", "session": "set in the session",
}


@dataclass(frozen=True)
class LedgerAccess:
    schema: str
    table: str
    user: str
    database: str
    standby: bool  # a hot standby (a read replica): read-only whatever the settings say
    read_only: str | None  # where the session's default_transaction_read_only = on comes from; None: writable
    schema_exists: bool
    table_exists: bool
    schema_owner: str | None
    create_schema: bool  # CREATE on the database: needed only while the ledger schema does not exist
    schema_usage: bool
    schema_create: bool  # needed only while the ledger table does not exist
    select: bool
    insert: bool
    sequence: str | None  # the id column's sequence, quoted ("drizzle"."…_id_seq" style)
    sequence_usage: bool
    columns: tuple[str, ...]  # the ledger table's columns in order

    def read_problem(self) -> LedgerAccessDenied | None:
        """Why this role cannot read an existing ledger, or None (also None when there is no ledger yet)."""
        if not self.table_exists:
            return None
        grants = self._grants(usage=True, select=True)
        if not grants:
            return None
        return self._denied(f"the ledger {self._name()} exists, but role \"{self.user}\" may not read it", grants)

    def write_problem(self) -> LedgerAccessDenied | None:
        """Why a run (which creates the ledger if needed and adds a row per migration) would fail, or None."""
        if self.standby:
            return LedgerAccessDenied(f"database \"{self.database}\" is a read-only standby (a read replica): "
                                      "migrations cannot run on it", hint="use the primary (read-write) endpoint")
        if self.read_only is not None:
            where = _READ_ONLY_SOURCES.get(self.read_only, f"source: {self.read_only}")
            return LedgerAccessDenied(f"the session is read-only: default_transaction_read_only is on ({where})",
                                      hint=self._read_write_fix())
        if not self.schema_exists:
            if self.create_schema:
                return None
            return self._denied(f"role \"{self.user}\" may not create the ledger schema \"{self.schema}\": no CREATE "
                                f"privilege on database \"{self.database}\"",
                                [f"GRANT CREATE ON DATABASE {_ident(self.database)} TO {_ident(self.user)}"],
                                alternative=f"or instead: CREATE SCHEMA {_ident(self.schema)} "
                                            f"AUTHORIZATION {_ident(self.user)}")
        grants = self._grants(usage=True, create=not self.table_exists, select=self.table_exists,
                              insert=self.table_exists)
        if not grants:
            return None
        doing = "create" if not self.table_exists else "record migrations in"
        return self._denied(f"role \"{self.user}\" may not {doing} the ledger {self._name()}", grants)

    def _grants(self, *, usage: bool = False, create: bool = False, select: bool = False,
                insert: bool = False) -> list[str]:
        on_schema = [p for p, want, has in (("USAGE", usage, self.schema_usage), ("CREATE", create, self.schema_create))
                     if want and not has]
        on_table = [p for p, want, has in (("SELECT", select, self.select), ("INSERT", insert, self.insert))
                    if want and not has]
        grants = [f"GRANT {', '.join(on_schema)} ON SCHEMA {_ident(self.schema)}"] if on_schema else []
        grants += [f"GRANT {', '.join(on_table)} ON {self._name()}"] if on_table else []
        if insert and self.sequence is not None and not self.sequence_usage:
            grants.append(f"GRANT USAGE ON SEQUENCE {self.sequence}")
        return [f"{grant} TO {_ident(self.user)}" for grant in grants]

    def _denied(self, message: str, grants: list[str], *, alternative: str | None = None) -> LedgerAccessDenied:
        who = (f"as {_ident(self.schema_owner)} (the schema's owner) or a superuser" if self.schema_owner and
               not alternative else "as an owner or a superuser")
        fix = "; ".join(grants) + (f"; {alternative}" if alternative else "")
        return LedgerAccessDenied(message, hint=f"{who}, run: {fix}")

    def _read_write_fix(self) -> str:
        setting = "SET default_transaction_read_only = off"
        database, user = _ident(self.database), _ident(self.user)
        fixes = {"database": f"ALTER DATABASE {database} {setting}", "user": f"ALTER ROLE {user} {setting}",
                 "database user": f"ALTER ROLE {user} IN DATABASE {database} {setting}"}
        # That owner's own sessions are read-only too, so the ALTER needs a writable session first.
        return (f"as an owner or a superuser, run: SET default_transaction_read_only = off; {fixes[self.read_only]}"
                if self.read_only in fixes else
                "turn default_transaction_read_only off for this connection (PGOPTIONS, the URL's options, or the "
                "server's configuration)")

    def _name(self) -> str:
        return table_identifier(self.schema, self.table).as_string()


def _ident(name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string()


def ledger_access(conn: psycopg.Connection, schema: str = DEFAULT_SCHEMA, table: str = DEFAULT_TABLE) -> LedgerAccess:
    """What this session may do with the ledger (one query; raises psycopg.Error only if the query itself fails)."""
    row = conn.execute(_ACCESS, (schema, table)).fetchone()
    assert row is not None  # the query always returns exactly one row
    fields = (schema, table, *row[:-1], tuple(row[-1]))  # _ACCESS selects the fields in order, `columns` last
    return LedgerAccess(*fields)


def require_writable(conn: psycopg.Connection, schema: str = DEFAULT_SCHEMA,
                     table: str = DEFAULT_TABLE) -> LedgerAccess:
    """What this session may do with the ledger; LedgerAccessDenied (exit 3, before anything ran) when a run could
    not create it or add its rows."""
    import psycopg

    from neontui.core.db.blockers import catalog_failure

    try:
        access = ledger_access(conn, schema, table)
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, f'check access to the ledger "{schema}"."{table}"') from None
    if (problem := access.write_problem()) is not None:
        raise problem
    return access


def read_ledger(conn: psycopg.Connection, schema: str = DEFAULT_SCHEMA, table: str = DEFAULT_TABLE) -> Ledger:
    """The ledger's rows; an absent ledger is a fresh database (every migration pending), an unreadable one is a
    LedgerAccessDenied, and a lock or statement timeout a ReadTimedOut naming the session in the way."""
    import psycopg
    from psycopg import sql

    from neontui.core.db.blockers import catalog_failure

    try:
        access = ledger_access(conn, schema, table)
        if not access.table_exists:
            # Absent schema or table: a fresh database, every migration is pending.
            return Ledger(schema, table, False, (), (), None)
        if (problem := access.read_problem()) is not None:
            raise problem
        columns = access.columns
        extra = [c for c in V1_COLUMNS if c in columns]
        select = sql.SQL("select id, hash, created_at, id = {} {} from {} order by id").format(
            latest_id_query(schema, table),
            sql.SQL("").join(sql.SQL(", ") + sql.Identifier(c) for c in extra),
            table_identifier(schema, table),
        )
        fetched = conn.execute(select).fetchall()
    except psycopg.Error as exc:
        raise catalog_failure(conn, exc, f'read the ledger "{schema}"."{table}"', [(schema, table)]) from None
    finally:
        if not conn.autocommit:
            conn.rollback()
    rows = tuple(
        LedgerRow(id=r[0], hash=r[1], created_at=None if r[2] is None else int(r[2]),
                  **dict(zip(extra, r[4:], strict=True)))
        for r in fetched
    )
    latest_row = next((row for row, r in zip(rows, fetched, strict=True) if r[3]), None)
    return Ledger(schema, table, True, columns, rows, latest_row)
