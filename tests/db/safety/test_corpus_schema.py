"""The corpus cases that need the catalog reach the verdict they expect three ways: offline from the replayed
`-- before:` SQL (tests/unit/safety/test_corpus.py), against a database seeded with it, and from the snapshot the real
drizzle-kit writes when it pulls that database (both lines), wherever the snapshot describes what decides it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.db.schema_info import read_schema
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.snapshots import schema_after
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import write_project
from tests.safety_metrics import Case, findings, load_cases

CASES = [c for c in load_cases() if c.before]
DESCRIBED = [c for c in CASES if c.snapshot]


def seed(case: Case, url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(case.before.encode())  # no parameters: the simple protocol runs every statement


def test_the_corpus_has_cases_that_need_the_catalog():
    assert len(CASES) >= 15 and len(DESCRIBED) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_against_a_seeded_database(case, database_url):
    seed(case, database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        schema = read_schema(conn)
    assert findings(case, schema) == case.expected - case.known_miss


@pytest.mark.drizzle
@pytest.mark.parametrize("line", ["0.31", "1.0"])
@pytest.mark.parametrize("case", DESCRIBED, ids=[c.name for c in DESCRIBED])
def test_from_drizzles_snapshot_of_the_seeded_database(case, line, database_url, tmp_path: Path):
    seed(case, database_url)
    project = write_project(tmp_path / "pulled", line=line)
    pulled = run_drizzle_kit(project, "pull", env={"DATABASE_URL": database_url})
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    journal = read_migrations(project / "drizzle")
    schema = schema_after(journal, journal.entries[-1].tag)
    assert schema is not None
    assert findings(case, schema) == case.expected - case.known_miss
