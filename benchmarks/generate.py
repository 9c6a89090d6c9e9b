"""Deterministic generators of drizzle-style migrations and projects for the benchmarks (seeded, no I/O but
the files they write)."""

from __future__ import annotations

import json
import random
from pathlib import Path

B = "--> statement-breakpoint\n"
TYPES = ("text", "integer", "bigint", "boolean", "timestamp", "jsonb", "uuid", "varchar(255)", "numeric(10, 2)")


def _create_table(rng: random.Random, name: str) -> str:
    columns = ['\t"id" serial PRIMARY KEY NOT NULL']
    for c in range(rng.randint(3, 9)):
        nullable = "" if rng.random() < 0.6 else " NOT NULL"
        default = " DEFAULT now()" if rng.random() < 0.1 else ""
        columns.append(f'\t"col_{c}" {rng.choice(TYPES)}{default}{nullable}')
    return f'CREATE TABLE "{name}" (\n' + ",\n".join(columns) + "\n);\n"


def migration(rng: random.Random, serial: int, existing: list[str]) -> list[str]:
    """One realistic drizzle-kit migration: new tables with indexes and foreign keys, and changes to older
    tables (columns, indexes, constraints, drops, renames, enums)."""
    statements: list[str] = []
    for t in range(rng.randint(1, 3)):
        name = f"table_{serial}_{t}"
        statements.append(_create_table(rng, name))
        statements.append(f'CREATE INDEX "{name}_col_0_idx" ON "{name}" USING btree ("col_0");')
        if existing:
            ref = rng.choice(existing)
            statements.append(f'ALTER TABLE "{name}" ADD CONSTRAINT "{name}_ref_{ref}_id_fk" FOREIGN KEY ("col_1") '
                              f'REFERENCES "public"."{ref}"("id") ON DELETE no action ON UPDATE no action;')
        existing.append(name)
    for _ in range(rng.randint(0, 4)):
        if not existing:
            break
        old = rng.choice(existing)
        statements.append(rng.choice([
            f'ALTER TABLE "{old}" ADD COLUMN "extra_{serial}" text;',
            f'ALTER TABLE "{old}" ADD COLUMN "flag_{serial}" boolean DEFAULT false NOT NULL;',
            f'CREATE INDEX "{old}_extra_{serial}_idx" ON "{old}" USING btree ("col_1");',
            f'ALTER TABLE "{old}" DROP COLUMN "col_2";',
            f'ALTER TABLE "{old}" ALTER COLUMN "col_1" SET NOT NULL;',
            f'ALTER TABLE "{old}" RENAME COLUMN "col_0" TO "col_0_renamed_{serial}";',
            f'ALTER TABLE "{old}" ADD CONSTRAINT "{old}_col_1_unique_{serial}" UNIQUE("col_1");',
            f'CREATE TYPE "public"."status_{serial}" AS ENUM(\'draft\', \'live\', \'archived\');',
        ]))
    return statements


def big_migration(path: Path, size: int = 5_000_000, seed: int = 7) -> Path:
    """One file of about `size` bytes (tens of thousands of statements), as drizzle-kit would write it."""
    rng = random.Random(seed)
    existing = [f"legacy_{i}" for i in range(50)]
    chunks: list[str] = []
    total, serial = 0, 0
    while total < size:
        for statement in migration(rng, serial, existing):
            chunks.append(statement)
            total += len(statement) + len(B)
        serial += 1
    path.write_text(B.join(chunks))
    return path


def project(root: Path, migrations: int, seed: int = 11) -> Path:
    """A drizzle project folder with `migrations` entries in meta/_journal.json; returns the `out` folder."""
    rng = random.Random(seed)
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True, exist_ok=True)
    (root / "drizzle.config.ts").write_text(
        "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  dialect: 'postgresql',\n"
        "  schema: './schema.ts',\n  out: './drizzle',\n  dbCredentials: { url: process.env.DATABASE_URL! },\n});\n")
    existing: list[str] = []
    entries = []
    for i in range(migrations):
        tag = f"{i:04d}_step_{i}"
        (out / f"{tag}.sql").write_text(B.join(migration(rng, i, existing)))
        entries.append({"idx": i, "version": "7", "when": 1_700_000_000_000 + i * 60_000, "tag": tag,
                        "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}, indent=2))
    return out
