"""Why `drizzle-kit migrate` failed, as neontui shows it: rc.5 prints `[✗] Error during migration:` with the failed
query and the driver's error, which become the reason (for the plain kit command and for `neontui migrate --engine
drizzle-kit`); 0.31.11 prints nothing, which is said as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.core.drizzle.project import load_project
from neontui.core.kit.commands import migrate
from tests.drizzle_env import run_drizzle_kit
from tests.helpers import LEDGER, ledger_rows, neontui

pytestmark = pytest.mark.drizzle

BAD = "CREATE TABLE made_before (id int);\n--> statement-breakpoint\nALTER TABLE nosuch ADD COLUMN x int;\n"
REASON = 'relation "nosuch" does not exist (42P01); Failed query: ALTER TABLE nosuch ADD COLUMN x int;'


def ignore(_event: object) -> None:
    """An on_event sink for results read from the KitResult alone."""


def add_bad_migration(root: Path) -> None:
    """A hand-written (custom) migration whose second statement fails."""
    done = run_drizzle_kit(root, "generate", "--custom", "--name", "bad")
    assert done.returncode == 0, done.stdout + done.stderr
    if (root / "drizzle" / "meta").exists():  # 0.31: drizzle/<idx>_bad.sql
        next((root / "drizzle").glob("*_bad.sql")).write_text(BAD)
    else:  # 1.0: drizzle/<timestamp>_bad/migration.sql
        next((root / "drizzle").glob("*_bad/migration.sql")).write_text(BAD)


def test_rc5_migrate_failure_names_the_driver_error_and_the_query(drizzle_project_v1: Path,
                                                                  database_url: str) -> None:
    add_bad_migration(drizzle_project_v1)
    result = migrate(load_project(drizzle_project_v1, url=database_url), url=database_url, on_event=ignore)
    assert not result.ok and result.returncode == 1
    assert result.summary == f"drizzle-kit migrate failed (exit 1): {REASON}"
    assert ledger_rows(database_url, LEDGER) == []  # one transaction: the good migrations were rolled back too


def test_rc5_migrate_connection_failure_is_named(drizzle_project_v1: Path) -> None:
    url = "postgresql://nobody@127.0.0.1:1/nothing"
    result = migrate(load_project(drizzle_project_v1, url=url), url=url, on_event=ignore)
    assert not result.ok and "connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)" in result.summary
    assert 'Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"' in result.summary


def test_0_31_migrate_failure_says_it_printed_nothing(drizzle_project: Path, database_url: str) -> None:
    add_bad_migration(drizzle_project)
    result = migrate(load_project(drizzle_project, url=database_url), url=database_url, on_event=ignore)
    assert not result.ok and "it printed no reason" in result.summary


def test_neontui_migrate_with_the_rc5_engine_shows_rc5s_reason(drizzle_project_v1: Path, database_url: str) -> None:
    add_bad_migration(drizzle_project_v1)
    done = neontui("migrate", str(drizzle_project_v1), "--engine", "drizzle-kit", url=database_url)
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"drizzle-kit migrate failed (exit 1): {REASON}" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
