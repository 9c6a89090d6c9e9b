"""Deterministic generators of drizzle-style migrations and projects for the benchmarks (seeded, no I/O but
the files they write).

The SQL has the exact shapes drizzle-kit 0.31 writes (and, now and then, the `DO $$ BEGIN … EXCEPTION WHEN
duplicate_object …` blocks of older drizzle-kit versions), and it is valid: a `Schema` follows every table's
columns, indexes and constraints as the statements are generated, so applying a generated project in journal
order to an empty database succeeds. Tables stay empty, so SET NOT NULL and type changes cannot fail on data.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

B = "--> statement-breakpoint\n"
MAX_NAME = 63  # PostgreSQL truncates longer identifiers, which could make two generated names collide

# Column kinds: the type as drizzle writes it, the default as drizzle writes it, and column names to pick from.
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "text": ("text", "''", ("name", "title", "description", "notes", "slug", "label", "summary")),
    "varchar": ("varchar(255)", "'unknown'", ("email", "handle", "code", "locale", "country")),
    "integer": ("integer", "0", ("position", "quantity", "rank", "attempts", "score")),
    "bigint": ("bigint", "0", ("size_bytes", "views", "external_ref")),
    "boolean": ("boolean", "false", ("is_active", "archived", "verified", "enabled")),
    "timestamp": ("timestamp", "now()", ("created_at", "updated_at", "published_at", "deleted_at")),
    "jsonb": ("jsonb", "'{}'::jsonb", ("metadata", "settings", "payload")),
    "uuid": ("uuid", "gen_random_uuid()", ("public_id", "token", "session_id")),
    "numeric": ("numeric(10, 2)", "'0'", ("amount", "price", "balance")),
}
FK_NAMES = ("owner_id", "parent_id", "author_id", "account_id", "project_id", "team_id")
ENUM_NAMES = ("status", "state", "kind", "visibility", "tier")
ENUM_VALUES = ("draft", "live", "archived", "pending", "active", "blocked", "deleted", "review")
TABLE_WORDS = ("accounts", "orders", "invoices", "events", "members", "projects", "sessions", "audit_log")
TYPES = tuple(kind[0] for kind in KINDS.values())


@dataclass
class Column:
    kind: str  # a key of KINDS, "serial" (the primary key), "fk" (integer, may reference "id") or "enum"
    type: str  # as drizzle writes it: "integer", "varchar(255)", '"status_3"'…
    not_null: bool = False
    default: str | None = None

    def sql(self) -> str:
        if self.kind == "serial":
            return "serial PRIMARY KEY NOT NULL"
        return self.type + (f" DEFAULT {self.default}" if self.default else "") + (" NOT NULL" if self.not_null else "")


@dataclass(eq=False)
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)  # "id" first, in creation order
    indexes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # index name → its columns
    uniques: dict[str, str] = field(default_factory=dict)  # unique constraint name → column
    fks: dict[str, tuple[str, Table]] = field(default_factory=dict)  # FK name → (column, referenced table)
    dropped: bool = False

    def free_name(self, word: str) -> str:
        name, n = word, 2
        while name in self.columns:
            name, n = f"{word}_{n}", n + 1
        return name

    def forget_column(self, column: str) -> None:
        """What PostgreSQL drops with a column: the indexes and constraints that involve it."""
        del self.columns[column]
        self.indexes = {n: cols for n, cols in self.indexes.items() if column not in cols}
        self.uniques = {n: c for n, c in self.uniques.items() if c != column}
        self.fks = {n: (c, ref) for n, (c, ref) in self.fks.items() if c != column}

    def rename_column(self, old: str, new: str) -> None:
        self.columns = {(new if c == old else c): col for c, col in self.columns.items()}
        self.indexes = {n: tuple(new if c == old else c for c in cols) for n, cols in self.indexes.items()}
        self.uniques = {n: (new if c == old else c) for n, c in self.uniques.items()}
        self.fks = {n: (new if c == old else c, ref) for n, (c, ref) in self.fks.items()}

    def plain_columns(self) -> list[str]:
        return [c for c in self.columns if c != "id"]


@dataclass
class Schema:
    """The public schema as the statements generated so far leave it (lists and dicts only: deterministic)."""

    tables: list[Table] = field(default_factory=list)
    enums: dict[str, list[str]] = field(default_factory=dict)  # type name → its values
    names: set[str] = field(default_factory=set)  # every relation, type and constraint name used so far

    def claim(self, base: str) -> str:
        """A name never used before (relations, types and constraints share one pool here), at most 63 chars."""
        base = base[: MAX_NAME - 6]
        name, n = base, 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        return name

    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]


# --- statements, exactly as drizzle-kit writes them ---------------------------------------------------------


# drizzle-kit < 0.30 wrote IF [NOT] EXISTS on these, and wrapped CREATE TYPE and foreign keys in DO blocks.
_IF_NOT_EXISTS = {False: "", True: "IF NOT EXISTS "}
_IF_EXISTS = {False: "", True: "IF EXISTS "}


def _do_block(statement: str) -> str:
    return f"DO $$ BEGIN\n {statement}\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n"


def _create_table(table: Table, legacy: bool) -> str:
    lines = [f'\t"{name}" {column.sql()}' for name, column in table.columns.items()]
    lines += [f'\tCONSTRAINT "{name}" UNIQUE("{column}")' for name, column in table.uniques.items()]
    return f'CREATE TABLE {_IF_NOT_EXISTS[legacy]}"{table.name}" (\n' + ",\n".join(lines) + "\n);\n"


def _add_fk(schema: Schema, rng: random.Random, table: Table, column: str, legacy: bool) -> str:
    ref = rng.choice(schema.tables)
    name = schema.claim(f"{table.name}_{column}_{ref.name}_id_fk")
    table.fks[name] = (column, ref)
    on_delete = "cascade" if rng.random() < 0.2 else "no action"
    statement = (f'ALTER TABLE "{table.name}" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
                 f'REFERENCES "public"."{ref.name}"("id") ON DELETE {on_delete} ON UPDATE no action;')
    return _do_block(statement) if legacy else statement


def _create_index(schema: Schema, rng: random.Random, table: Table, columns: tuple[str, ...], legacy: bool) -> str:
    name = schema.claim(f"{table.name}_{'_'.join(columns)}_idx")
    table.indexes[name] = columns
    keyish = len(columns) == 1 and table.columns[columns[0]].kind in ("text", "varchar", "uuid", "bigint")
    unique = "UNIQUE " if keyish and rng.random() < 0.3 else ""
    quoted = ",".join(f'"{c}"' for c in columns)
    return f'CREATE {unique}INDEX {_IF_NOT_EXISTS[legacy]}"{name}" ON "{table.name}" USING btree ({quoted});'


def _create_enum(schema: Schema, rng: random.Random, serial: int, legacy: bool) -> str:
    name = schema.claim(f"{rng.choice(ENUM_NAMES)}_{serial}")
    values = rng.sample(ENUM_VALUES, rng.randint(2, 4))
    schema.enums[name] = values
    quoted = ", ".join(f"'{v}'" for v in values)
    statement = f'CREATE TYPE "public"."{name}" AS ENUM({quoted});'
    return _do_block(statement) if legacy else statement


def _new_column(rng: random.Random, schema: Schema, table: Table, *, added: bool) -> tuple[str, Column]:
    """A column for a new table (added=False) or for ALTER TABLE … ADD COLUMN (added=True)."""
    roll = rng.random()
    if roll < 0.15:
        return table.free_name(rng.choice(FK_NAMES)), Column("fk", "integer", not_null=rng.random() < 0.5)
    if roll < 0.25 and schema.enums:
        enum = rng.choice(list(schema.enums))
        return table.free_name(rng.choice(ENUM_NAMES)), Column("enum", f'"{enum}"', True,
                                                               f"'{schema.enums[enum][0]}'")
    kind = rng.choice(list(KINDS))
    sql_type, default, words = KINDS[kind]
    not_null = rng.random() < (0.3 if added else 0.4)
    has_default = rng.random() < (0.7 if added and not_null else 0.15) or (kind == "timestamp" and not_null)
    return table.free_name(rng.choice(words)), Column(kind, sql_type, not_null, default if has_default else None)


def _indexable(table: Table) -> list[str]:
    indexed = {cols[0] for cols in table.indexes.values() if len(cols) == 1}
    return [c for c in table.plain_columns() if c not in indexed and table.columns[c].kind != "jsonb"]


# --- changes to an existing table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    """What every kind of change reads: the generator, the database so far, the table it changes, the migration."""

    rng: random.Random
    schema: Schema
    table: Table
    serial: int
    legacy: bool

    @property
    def alter(self) -> str:
        return f'ALTER TABLE "{self.table.name}"'


def _add_column(c: _Change) -> list[str]:
    name, column = _new_column(c.rng, c.schema, c.table, added=True)
    if column.kind == "fk":
        column.not_null = False
    c.table.columns[name] = column
    return [f'{c.alter} ADD COLUMN "{name}" {column.sql()};']


def _add_fk_column(c: _Change) -> list[str]:
    name = c.table.free_name(c.rng.choice(FK_NAMES))
    c.table.columns[name] = Column("fk", "integer")
    return [f'{c.alter} ADD COLUMN "{name}" integer;', _add_fk(c.schema, c.rng, c.table, name, c.legacy)]


def _add_enum_column(c: _Change) -> list[str]:
    statements = [_create_enum(c.schema, c.rng, c.serial, c.legacy)]
    enum = list(c.schema.enums)[-1]
    name = c.table.free_name(c.rng.choice(ENUM_NAMES))
    c.table.columns[name] = Column("enum", f'"{enum}"', True, f"'{c.schema.enums[enum][0]}'")
    return [*statements, f'{c.alter} ADD COLUMN "{name}" {c.table.columns[name].sql()};']


def _add_index(c: _Change) -> list[str]:
    candidates = _indexable(c.table)
    if not candidates:
        return []
    if len(candidates) > 1 and c.rng.random() < 0.2:
        return [_create_index(c.schema, c.rng, c.table, tuple(c.rng.sample(candidates, 2)), c.legacy)]
    return [_create_index(c.schema, c.rng, c.table, (c.rng.choice(candidates),), c.legacy)]


def _drop_column(c: _Change) -> list[str]:
    plain = c.table.plain_columns()
    if len(plain) < 3:
        return []
    name = c.rng.choice(plain)
    c.table.forget_column(name)
    return [f'{c.alter} DROP COLUMN {_IF_EXISTS[c.legacy]}"{name}";']


def _not_null(c: _Change, *, drop: bool) -> list[str]:
    candidates = [col for col in c.table.plain_columns() if c.table.columns[col].not_null == drop]
    if not candidates:
        return []
    name = c.rng.choice(candidates)
    c.table.columns[name].not_null = not drop
    return [f'{c.alter} ALTER COLUMN "{name}" {"DROP" if drop else "SET"} NOT NULL;']


def _rename_column(c: _Change) -> list[str]:
    plain = c.table.plain_columns()
    if not plain:
        return []
    old = c.rng.choice(plain)
    kind = c.table.columns[old].kind
    words = FK_NAMES if kind == "fk" else ENUM_NAMES if kind == "enum" else KINDS[kind][2]
    new = c.table.free_name(c.rng.choice(words))
    c.table.rename_column(old, new)
    return [f'{c.alter} RENAME COLUMN "{old}" TO "{new}";']


def _add_unique(c: _Change) -> list[str]:
    taken = set(c.table.uniques.values())
    candidates = [col for col in _indexable(c.table) if col not in taken]
    if not candidates:
        return []
    column = c.rng.choice(candidates)
    name = c.schema.claim(f"{c.table.name}_{column}_unique")
    c.table.uniques[name] = column
    return [f'{c.alter} ADD CONSTRAINT "{name}" UNIQUE("{column}");']


def _drop_index(c: _Change) -> list[str]:
    if not c.table.indexes:
        return []
    name = c.rng.choice(list(c.table.indexes))
    del c.table.indexes[name]
    return [f'DROP INDEX {_IF_EXISTS[c.legacy]}"{name}";']


def _drop_constraint(c: _Change) -> list[str]:
    constraints = list(c.table.uniques) + list(c.table.fks)
    if not constraints:
        return []
    name = c.rng.choice(constraints)
    c.table.uniques.pop(name, None)
    c.table.fks.pop(name, None)
    return [f'{c.alter} DROP CONSTRAINT "{name}";']


def _set_default(c: _Change) -> list[str]:
    columns = c.table.columns
    candidates = [col for col in c.table.plain_columns() if columns[col].kind in KINDS and not columns[col].default]
    if not candidates:
        return []
    name = c.rng.choice(candidates)
    column = columns[name]
    column.default = KINDS[column.kind][1]
    return [f'{c.alter} ALTER COLUMN "{name}" SET DEFAULT {column.default};']


def _drop_default(c: _Change) -> list[str]:
    candidates = [col for col in c.table.plain_columns() if c.table.columns[col].default]
    if not candidates:
        return []
    name = c.rng.choice(candidates)
    c.table.columns[name].default = None
    return [f'{c.alter} ALTER COLUMN "{name}" DROP DEFAULT;']


# Only conversions PostgreSQL makes without USING: varchar ↔ text, integer → bigint (no FK columns).
_TYPE_MOVES = {"text": "varchar", "varchar": "text", "integer": "bigint"}


def _set_type(c: _Change) -> list[str]:
    candidates = [col for col in c.table.plain_columns() if c.table.columns[col].kind in _TYPE_MOVES]
    if not candidates:
        return []
    name = c.rng.choice(candidates)
    column = c.table.columns[name]
    column.kind = _TYPE_MOVES[column.kind]
    column.type = KINDS[column.kind][0]  # a default stays as it was, cast to the new type
    return [f'{c.alter} ALTER COLUMN "{name}" SET DATA TYPE {column.type};']


def _add_enum_value(c: _Change) -> list[str]:
    if not c.schema.enums:
        return []
    enum = c.rng.choice(list(c.schema.enums))
    unused = [v for v in ENUM_VALUES if v not in c.schema.enums[enum]]
    if not unused:
        return []
    value = c.rng.choice(unused)
    c.schema.enums[enum].append(value)  # never used as a default: a new value is unusable until commit
    return [f"ALTER TYPE \"public\".\"{enum}\" ADD VALUE '{value}';"]


def _drop_table(c: _Change) -> list[str]:
    if len(c.schema.tables) < 8:
        return []
    c.schema.tables.remove(c.table)
    c.table.dropped = True
    for other in c.schema.tables:  # CASCADE drops the foreign keys that point at it
        other.fks = {n: (col, ref) for n, (col, ref) in other.fks.items() if ref is not c.table}
    return [f'DROP TABLE "{c.table.name}" CASCADE;']


def _rename_table(c: _Change) -> list[str]:
    old, c.table.name = c.table.name, c.schema.claim(f"{c.rng.choice(TABLE_WORDS)}_{c.serial}")
    return [f'ALTER TABLE "{old}" RENAME TO "{c.table.name}";']


# Each kind of change with its weight: how often drizzle-kit migrations make it, relative to the others.
_CHANGES: dict[str, tuple[int, Callable[[_Change], list[str]]]] = {
    "add": (14, _add_column), "add_fk": (6, _add_fk_column), "add_enum": (4, _add_enum_column),
    "index": (8, _add_index), "drop": (6, _drop_column), "set_not_null": (5, partial(_not_null, drop=False)),
    "drop_not_null": (3, partial(_not_null, drop=True)), "rename": (6, _rename_column), "unique": (4, _add_unique),
    "drop_index": (3, _drop_index), "drop_constraint": (3, _drop_constraint), "set_default": (3, _set_default),
    "drop_default": (2, _drop_default), "set_type": (3, _set_type), "add_value": (2, _add_enum_value),
    "drop_table": (1, _drop_table), "rename_table": (1, _rename_table),
}


def _change(rng: random.Random, schema: Schema, table: Table, serial: int, legacy: bool) -> list[str]:
    """One drizzle-kit change to `table` that is valid in its current state ([] when the pick does not apply)."""
    op = rng.choices(list(_CHANGES), weights=[weight for weight, _ in _CHANGES.values()])[0]
    return _CHANGES[op][1](_Change(rng, schema, table, serial, legacy))


# --- migrations and projects --------------------------------------------------------------------------------


def migration(rng: random.Random, serial: int, schema: Schema) -> list[str]:
    """One realistic drizzle-kit migration, valid on the database `schema` describes (which it updates): new
    enums, new tables, changes to older tables, then the new tables' foreign keys and indexes, in drizzle's
    order. About one migration in seven is in the older drizzle-kit style (IF [NOT] EXISTS, DO blocks)."""
    legacy = rng.random() < 0.15
    old_tables = list(schema.tables)
    statements: list[str] = []
    if rng.random() < 0.25:
        statements.append(_create_enum(schema, rng, serial, legacy))
    created: list[Table] = []
    for t in range(rng.randint(1, 3) if old_tables else 3):
        table = Table(schema.claim(f"table_{serial}_{t}"), {"id": Column("serial", "serial", True)})
        schema.claim(f"{table.name}_id_seq")
        schema.claim(f"{table.name}_pkey")
        for _ in range(rng.randint(3, 9)):
            name, column = _new_column(rng, schema, table, added=False)
            table.columns[name] = column
        if rng.random() < 0.3 and (candidates := _indexable(table)):
            column = rng.choice(candidates)
            table.uniques[schema.claim(f"{table.name}_{column}_unique")] = column
        statements.append(_create_table(table, legacy))
        schema.tables.append(table)
        created.append(table)
    for _ in range(rng.randint(0, 4) if old_tables else 0):
        table = rng.choice(old_tables)
        if not table.dropped:
            statements.extend(_change(rng, schema, table, serial, legacy))
    for table in created:
        for name, column in table.columns.items():
            if column.kind == "fk":
                statements.append(_add_fk(schema, rng, table, name, legacy))
    for table in created:
        for _ in range(rng.randint(0, 2)):
            if candidates := _indexable(table):
                statements.append(_create_index(schema, rng, table, (rng.choice(candidates),), legacy))
    return statements


def big_migration(path: Path, size: int = 5_000_000, seed: int = 7, *, schema: Schema | None = None) -> Path:
    """One file of about `size` bytes (tens of thousands of statements), as drizzle-kit would write it; valid on
    an empty database. `schema`, when given, is left describing the database after it."""
    return _fill(path, size, migration, random.Random(seed), Schema() if schema is None else schema)


def _fill(path: Path, size: int, unit: Callable[[random.Random, int, Schema], list[str]], rng: random.Random,
          schema: Schema) -> Path:
    """Write `unit`'s migrations, one after another as one file, until it holds about `size` bytes."""
    chunks: list[str] = []
    total, serial = 0, 0
    while total < size:
        for statement in unit(rng, serial, schema):
            chunks.append(statement)
            total += len(statement) + len(B)
        serial += 1
    path.write_text(B.join(chunks))
    return path


# drizzle-kit names a migration with two random words; hand-named ones are long and descriptive.
TAG_WORDS = (("lucky", "brave", "quiet", "magenta", "woozy", "charming", "thick", "grey", "minor", "lovely"),
             ("echo", "firebrand", "thunderbolts", "mandroid", "deadpool", "ghost", "talon", "boomer", "ego"))
CONCURRENT_EVERY = 25  # one migration in 25 is hand-written: it commits drizzle's transaction, then indexes


def _tag(rng: random.Random, i: int) -> str:
    if rng.random() < 0.1:  # a hand-named migration, as long as real ones get (50-70 characters)
        return f"{i:04d}_add_{rng.choice(TABLE_WORDS)}_index_on_workspace_id_and_started_at_for_{i}"
    return f"{i:04d}_{rng.choice(TAG_WORDS[0])}_{rng.choice(TAG_WORDS[1])}"


def _concurrent_index(rng: random.Random, schema: Schema, serial: int) -> list[str] | None:
    """A custom migration as real projects write one to index a big table without blocking writes: COMMIT ends
    drizzle's transaction, and CREATE INDEX CONCURRENTLY runs outside it (and so does everything after it in the
    same run, for drizzle-kit, `psql -1` and neontui alike). None when no table has a column left to index."""
    tables = [t for t in schema.tables if not t.dropped and _indexable(t)]
    if not tables:
        return None
    table = rng.choice(tables)
    column = rng.choice(_indexable(table))
    name = schema.claim(f"{table.name}_{column}_concurrent_{serial}_idx")
    table.indexes[name] = (column,)
    return ["COMMIT;", f'CREATE INDEX CONCURRENTLY "{name}" ON "{table.name}" USING btree ("{column}");']


def project(root: Path, migrations: int, seed: int = 11, *, schema: Schema | None = None) -> Path:
    """A drizzle project folder with `migrations` entries in meta/_journal.json, valid in journal order on an
    empty database; returns the `out` folder. `schema`, when given, is left describing the database after it.
    Besides drizzle-kit's statements (enums, foreign keys, old-style DO blocks) it has real projects' other
    shapes: drizzle's two-word tags and long hand-written ones, and a custom CONCURRENTLY migration now and then
    (with its embedded COMMIT)."""
    rng = random.Random(seed)
    schema = Schema() if schema is None else schema
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True, exist_ok=True)
    (root / "drizzle.config.ts").write_text(
        "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  dialect: 'postgresql',\n"
        "  schema: './schema.ts',\n  out: './drizzle',\n  dbCredentials: { url: process.env.DATABASE_URL! },\n});\n")
    entries = []
    for i in range(migrations):
        tag = _tag(rng, i)
        custom = _concurrent_index(rng, schema, i) if i % CONCURRENT_EVERY == CONCURRENT_EVERY - 1 else None
        (out / f"{tag}.sql").write_text(B.join(custom or migration(rng, i, schema)))
        entries.append({"idx": i, "version": "7", "when": 1_700_000_000_000 + i * 60_000, "tag": tag,
                        "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}, indent=2))
    return out


# --- a realistic single file, for the lint benchmark ----------------------------------------------------------


def _realistic_unit(rng: random.Random, serial: int, schema: Schema) -> list[str]:
    """One migration's worth of statements in the proportions of three real projects' histories (dokploy, sim,
    latitude: about 45 % ALTER TABLE, 24 % CREATE INDEX, 7 % CREATE TABLE, 6 % DO blocks, 5 % DROP, 2 % UPDATE,
    1 % an embedded COMMIT): drizzle-kit's own statements, plus the hand-written data fixes and the occasional
    transaction control of custom migrations."""
    statements = migration(rng, serial, schema)
    live = [t for t in schema.tables if not t.dropped]
    for _ in range(rng.randint(2, 6)):  # real histories change old tables far more often than they create new ones
        table = rng.choice(live)
        if not table.dropped:
            statements.extend(_change(rng, schema, table, serial, rng.random() < 0.3))
    table = rng.choice([t for t in schema.tables if not t.dropped])
    columns = [c for c in table.plain_columns() if table.columns[c].kind in KINDS]
    if columns and rng.random() < 0.25:
        column = rng.choice(columns)
        statements.append(f'UPDATE "{table.name}" SET "{column}" = {KINDS[table.columns[column].kind][1]} '
                          f'WHERE "{column}" IS NULL;')
    if rng.random() < 0.08:
        statements.append(f'DELETE FROM "{table.name}" WHERE "id" < 0;')
    if rng.random() < 0.06:  # a custom migration that commits drizzle's transaction half-way
        statements.append("COMMIT;")
    return statements


def realistic_migration(path: Path, size: int = 5_000_000, seed: int = 16) -> Path:
    """One file of about `size` bytes shaped like the concatenated histories of real Drizzle projects, valid on an
    empty database: the lint benchmark's big file. big_migration's mix has a violation on almost every statement
    for squawk (whose time grows with the square of that count); this one keeps real projects' shapes and
    proportions, so both linters' times say what a real file costs."""
    return _fill(path, size, _realistic_unit, random.Random(seed), Schema())
