"""The schema read from drizzle's own snapshots equals what the real drizzle-kit's SQL creates on a real PostgreSQL,
for both lines: types through parse_type, NOT NULL, identity, a serial's sequence default, constraint names, kinds
and columns, index names and enum labels. A second generate (alter type, drop column, add enum value, add table)
exercises 1.0's deltas; a rename and a merged branch exercise its key moves and its DAG."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from neontui.core.db.schema_info import read_schema
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.snapshots import Snapshots, schema_after, schema_before
from neontui.core.schema.model import ConstraintKind, Schema
from neontui.core.sql.types import parse_type
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import write_project

pytestmark = pytest.mark.drizzle

SCHEMA = """import { sql } from 'drizzle-orm';
import { pgTable, pgEnum, pgSchema, serial, bigserial, smallserial, integer, text, varchar, numeric, timestamp,
  uuid, jsonb, primaryKey, unique, check, index, uniqueIndex } from 'drizzle-orm/pg-core';

export const mood = pgEnum('mood', ['sad', 'ok', 'happy']);
export const app = pgSchema('app');
export const level = app.enum('level', ['low', 'high']);

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  name: text('name'),
  balance: numeric('balance', { precision: 12, scale: 2 }).default('0'),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  seenAt: timestamp('seen_at', { precision: 3 }),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  grid: integer('grid').array().array(),
  mood: mood('mood').default('ok'),
  moods: mood('moods').array(),
  token: uuid('token').defaultRandom().notNull(),
  meta: jsonb('meta'),
  big: bigserial('big', { mode: 'number' }),
  small: smallserial('small'),
}, (t) => [check('balance_positive', sql`${t.balance} >= 0`), index('users_name_idx').on(t.name)]);

export const orgs = app.table('orgs', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  seq: integer('seq').generatedByDefaultAsIdentity({ startWith: 10 }),
  level: level('level').notNull(),
  title: varchar('title'),
});

export const members = pgTable('members', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  orgId: integer('org_id').notNull().references(() => orgs.id),
  role: varchar('role', { length: 32 }),
  note: text('note'),
}, (t) => [primaryKey({ columns: [t.userId, t.orgId] }), unique('members_role_org').on(t.role, t.orgId),
  uniqueIndex('members_role_idx').on(t.role), index().on(t.note)]);
"""

# Alter two column types, drop a column, add an enum value, add a table.
CHANGED = (SCHEMA.replace("['sad', 'ok', 'happy']", "['sad', 'ok', 'happy', 'angry']")
           .replace("varchar('role', { length: 32 })", "varchar('role', { length: 64 })")
           .replace("  meta: jsonb('meta'),\n", "")
           .replace("name: text('name'),", "name: varchar('name', { length: 100 }),")
           + """
export const audit = pgTable('audit', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: integer('user_id').references(() => users.id),
  at: timestamp('at').defaultNow(),
}, (t) => [index('audit_user_idx').on(t.userId)]);
""")

# Rename a table that a foreign key references and a column an index is on (1.0 only: drizzle-kit 0.31.11 fails
# on this change with "Cannot read properties of undefined (reading 'columns')").
RENAMED = (CHANGED.replace("app.table('orgs'", "app.table('organizations'")
           .replace("note: text('note')", "remark: text('remark')")
           .replace("index().on(t.note)", "index().on(t.remark)"))


# rc.5's answers to its rename-or-create questions, given up front (the kit's skills/drizzle/hints.md).
RENAME_HINTS = [{"type": "rename", "kind": "table", "from": ["app", "orgs"], "to": ["app", "organizations"]},
                {"type": "rename", "kind": "column", "from": ["public", "members", "note"],
                 "to": ["public", "members", "remark"]}]


def generate(root: Path, schema: str, name: str, *hints: str) -> str:
    """Write schema.ts, generate with the real kit, return the new migration's tag."""
    if (root / "drizzle").exists() and not (root / "drizzle" / "meta").exists():
        time.sleep(1.05)  # 1.0 folder names are to the second: the new folder must sort after the previous one
    (root / "schema.ts").write_text(schema)
    result = run_drizzle_kit(root, "generate", "--name", name, *hints)
    assert "Your SQL migration" in result.stdout, result.stdout + result.stderr
    return read_migrations(root / "drizzle").entries[-1].tag


def migrate(root: Path, url: str) -> Schema:
    """Apply every pending migration with the project's own drizzle-kit; the live schema after it."""
    result = run_drizzle_kit(root, "migrate", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(url) as conn:
        return read_schema(conn)


def shape(schema: Schema) -> dict[str, Any]:
    """What the snapshot must agree on with the live catalog. A CHECK's columns are left out (the live catalog
    knows them from the expression, a snapshot does not), and so are defaults other than a serial's: drizzle
    writes them as the schema spells them ('0', 1.0 drops casts), PostgreSQL as it deparses them ('0'::numeric).
    PostgreSQL 18 also catalogs each NOT NULL as a constraint: that is compared as the column's not_null."""
    tables = {}
    for key, table in schema.tables.items():
        if key[0] == "drizzle":  # the ledger
            continue
        tables[key] = {
            "columns": {name: (parse_type(c.type), c.not_null, c.identity,
                               c.default if c.default and c.default.startswith("nextval(") else None)
                        for name, c in table.columns.items()},
            "constraints": {name: (k.kind, () if k.kind is ConstraintKind.CHECK else k.columns, k.references)
                            for name, k in table.constraints.items() if k.kind is not ConstraintKind.NOT_NULL},
            "indexes": sorted(table.indexes)}
    return {"tables": tables, "enums": schema.enums}


@pytest.mark.parametrize("line", ["0.31", "1.0"])
def test_snapshots_describe_what_the_kits_sql_creates(tmp_path: Path, database_url: str, line: str) -> None:
    root = write_project(tmp_path / "app", line=line)
    first = generate(root, SCHEMA, "init")
    live = migrate(root, database_url)
    journal = read_migrations(root / "drizzle")
    after_first = schema_after(journal, first)
    assert after_first is not None and shape(after_first) == shape(live)
    users = after_first.tables[("public", "users")]
    # What PostgreSQL made of drizzle's serial, confirmed against the server above.
    assert users.columns["id"].default == "nextval('users_id_seq'::regclass)"
    assert {n for n, k in users.constraints.items() if k.kind is ConstraintKind.UNIQUE} == (
        {"users_email_unique"} if line == "0.31" else {"users_email_key"})

    second = generate(root, CHANGED, "second")
    live = migrate(root, database_url)
    journal = read_migrations(root / "drizzle")
    assert schema_before(journal, second) == schema_after(journal, first)
    after_second = schema_after(journal, second)
    assert after_second is not None and shape(after_second) == shape(live)
    assert after_second.enums[("public", "mood")] == ["sad", "ok", "happy", "angry"]
    assert parse_type(after_second.tables[("public", "members")].columns["role"].type) == ("varchar", (64,))
    assert "meta" not in after_second.tables[("public", "users")].columns


def test_v1_renames_follow_into_what_references_them(tmp_path: Path, database_url: str) -> None:
    root = write_project(tmp_path / "app", line="1.0")
    generate(root, SCHEMA, "init")
    changed = generate(root, CHANGED, "second")
    renamed = generate(root, RENAMED, "renames", "--hints", json.dumps(RENAME_HINTS))
    assert "RENAME TO \"organizations\"" in (root / "drizzle" / renamed / "migration.sql").read_text()
    live = migrate(root, database_url)
    journal = read_migrations(root / "drizzle")
    assert schema_before(journal, renamed) == schema_after(journal, changed)
    after = schema_after(journal, renamed)
    assert after is not None and shape(after) == shape(live)
    members = after.tables[("public", "members")]
    assert members.constraints["members_org_id_orgs_id_fkey"].references == ("app", "organizations")
    assert "members_note_index" in members.indexes and "remark" in members.columns


TABLE = "export const %s = pgTable('%s', { id: serial('id').primaryKey() });\n"
MERGE_BASE = "import { pgTable, serial } from 'drizzle-orm/pg-core';\n" + TABLE % ("users", "users")


def test_v1_merged_branches_combine_like_drizzle_kit(tmp_path: Path, database_url: str) -> None:
    """Two branches from one parent, merged (both folders in one checkout), then a migration generated on top:
    rc.5 gives it both leaves as prevIds and only its own change as deltas."""
    root = write_project(tmp_path / "app", line="1.0")
    generate(root, MERGE_BASE, "init")
    alpha = generate(root, MERGE_BASE + TABLE % ("alpha", "alpha"), "alpha")
    shutil.move(root / "drizzle" / alpha, tmp_path / alpha)  # the other branch's checkout does not have it
    beta = generate(root, MERGE_BASE + TABLE % ("beta", "beta"), "beta")
    shutil.move(tmp_path / alpha, root / "drizzle" / alpha)  # the merge
    merged = generate(root, MERGE_BASE + "".join(TABLE % (n, n) for n in ("alpha", "beta", "gamma")), "gamma")
    live = migrate(root, database_url)
    journal = read_migrations(root / "drizzle")
    assert journal.folders is not None and len(journal.folders.snapshots[merged].prev_ids) == 2
    before = schema_before(journal, merged)
    assert before is not None and {t for _, t in before.tables} == {"users", "alpha", "beta"}
    assert before.origin == f"drizzle's snapshots of {beta} and {alpha} combined"
    result = Snapshots(journal).after(merged)
    assert result.schema is not None and shape(result.schema) == shape(live), result.reason
