"""The benchmark generators write SQL that PostgreSQL accepts, in drizzle-kit's shapes, deterministically."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from benchmarks.generate import B, Schema, big_migration, project
from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import read_journal, split_statements
from neontui.core.migrate.migrator import run
from tests.helpers import REPO_ROOT

ROOT = REPO_ROOT


def apply_in_one_transaction(url: str, files: list[tuple[str, str]]) -> set[str]:
    """Every chunk of every file, in order, in one transaction as drizzle does; the public tables after it."""
    with psycopg.connect(url, autocommit=False) as conn:
        for name, text in files:
            for index, chunk in enumerate(split_statements(text)):
                try:
                    conn.execute(chunk)
                except psycopg.Error as exc:
                    raise AssertionError(f"{name} chunk {index} failed: {exc}\n{chunk}") from None
        conn.commit()
        rows = conn.execute("select tablename from pg_tables where schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


def test_generated_project_applies_in_journal_order(database_url, tmp_path):
    """Applied as drizzle applies it (one transaction, which a custom migration's COMMIT ends, so its CREATE INDEX
    CONCURRENTLY and what follows run outside it), by neontui's drizzle-compatible migrator."""
    schema = Schema()
    out = project(tmp_path, 60, schema=schema)
    journal = read_journal(out)
    tags = [e.tag for e in journal.entries]
    assert len(tags) == 60 and tags[24].startswith("0024_") and max(len(t) for t in tags) > 50
    concurrent = [e.tag for e in journal.entries if "CREATE INDEX CONCURRENTLY" in (e.text or "")]
    assert concurrent == [tags[24], tags[49]]
    assert all((e.text or "").startswith("COMMIT;" + B) for e in journal.entries if e.tag in concurrent)
    with connect(database_url) as conn:
        report = run(conn, journal, "drizzle", "__drizzle_migrations")
    assert report.applied == tags
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("select tablename from pg_tables where schemaname = 'public'").fetchall()
        indexes = {r[0] for r in conn.execute("select indexname from pg_indexes where schemaname = 'public'")}
    assert {r[0] for r in rows} == set(schema.table_names()) and len(rows) > 50
    assert any(name.endswith("_concurrent_49_idx") for name in indexes)


def test_big_migration_applies_and_has_drizzle_shapes(database_url, tmp_path):
    schema = Schema()
    path = big_migration(tmp_path / "big.sql", size=300_000, schema=schema)
    text = path.read_text()
    assert 300_000 <= len(text) < 320_000
    assert not text.endswith("\n" + B) and not text.endswith(B)
    tables = apply_in_one_transaction(database_url, [("big.sql", text)])
    assert tables == set(schema.table_names()) and len(tables) > 100
    # The shapes drizzle-kit writes, old style included.
    for shape in ('CREATE TABLE "table_0_0" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t',
                  'REFERENCES "public".', '("id") ON DELETE no action ON UPDATE no action;' + B,
                  'USING btree ("', '" ADD COLUMN "', '" DROP COLUMN "', '" RENAME COLUMN "', " SET NOT NULL;",
                  'CREATE TYPE "public".', "_unique\" UNIQUE(\"", "DO $$ BEGIN\n ",
                  "\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n" + B, ");\n" + B):
        assert shape in text, shape


def test_generators_are_deterministic(tmp_path):
    first = big_migration(tmp_path / "a.sql", size=100_000).read_bytes()
    assert big_migration(tmp_path / "b.sql", size=100_000).read_bytes() == first
    assert big_migration(tmp_path / "c.sql", size=100_000, seed=8).read_bytes() != first

    def digest(root: Path) -> str:
        return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())).hexdigest()

    project(tmp_path / "p1", 20)
    project(tmp_path / "p2", 20)
    assert digest(tmp_path / "p1") == digest(tmp_path / "p2")
    # Same bytes in another process with another string-hash seed (no set iteration order leaks in).
    code = ("import sys; from pathlib import Path; from benchmarks.generate import project; "
            "project(Path(sys.argv[1]), 20)")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "p3")], cwd=ROOT, env=env, check=True, timeout=60)
    assert digest(tmp_path / "p3") == digest(tmp_path / "p1")
