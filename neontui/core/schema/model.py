"""The schema model: plain data, no parser and no driver, so every layer that reads or asks about a schema can use it.

Names are stored as PostgreSQL holds them (unquoted, case kept); an unqualified name means schema "public". A column's
type is SQL type text (`character varying(64)`, `varchar(64)[]`, `"public"."status"`): compare types only through
core.sql.types.parse_type, the one reader of that text, never as strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

TableKey = tuple[str, str]  # (schema, name)


class ConstraintKind(StrEnum):
    PRIMARY = "primary"
    UNIQUE = "unique"
    CHECK = "check"
    FOREIGN = "foreign"
    EXCLUSION = "exclusion"
    NOT_NULL = "not null"  # PostgreSQL 18 catalogs NOT NULL as a constraint; older servers have only attnotnull


class Volatility(StrEnum):
    """pg_proc.provolatile. A function the schema does not describe must be assumed VOLATILE (CREATE FUNCTION's
    default)."""

    IMMUTABLE = "i"
    STABLE = "s"
    VOLATILE = "v"


@dataclass
class Column:
    type: str
    not_null: bool = False
    default: str | None = None  # the default expression's SQL text
    generated: str | None = None  # the generation expression of a STORED/VIRTUAL generated column
    identity: bool = False


@dataclass
class Constraint:
    kind: ConstraintKind
    columns: tuple[str, ...] = ()
    expression: str | None = None  # a CHECK's expression text, e.g. `(note IS NOT NULL)`
    validated: bool = True  # False: added NOT VALID and not validated since
    references: TableKey | None = None  # a foreign key's referenced table


@dataclass
class Table:
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    indexes: set[str] = field(default_factory=set)
    partitioned: bool = False
    rows: float | None = None  # the planner's estimate (live catalog only); None: unknown


@dataclass
class Schema:
    """`origin` says in words where the description came from ("the live database", "drizzle's snapshot of 0011_x",
    "the migrations before 0012_y"); `rows_known` whether row estimates are in it (only a live catalog has them)."""

    origin: str
    tables: dict[TableKey, Table] = field(default_factory=dict)
    enums: dict[TableKey, list[str]] = field(default_factory=dict)  # type → labels in sort order
    extensions: set[str] = field(default_factory=set)
    functions: dict[TableKey, Volatility] = field(default_factory=dict)  # the most volatile of a name's overloads
    rows_known: bool = False

    @property
    def described(self) -> bool:
        """Does this describe a real schema (possibly an empty one), rather than stand for "nothing is known"?"""
        return bool(self.origin)

    def table(self, key: TableKey) -> Table | None:
        return self.tables.get(key)

    def has_index(self, schema: str, name: str) -> bool:
        return any(key[0] == schema and name in table.indexes for key, table in self.tables.items())

    def column(self, key: TableKey, name: str) -> Column | None:
        table = self.tables.get(key)
        return table.columns.get(name) if table else None
