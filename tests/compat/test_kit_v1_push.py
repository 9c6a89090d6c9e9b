
"""`push` with the real drizzle-kit 1.0.0-rc.5 against a real PostgreSQL: its data-loss and rename questions come
back as missing_hints, are asked as 0.31's prompts were, and answered with `--hints`; a declined question applies
nothing; a database error is reported with the database's message although drizzle-kit prints it on stderr only."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.drizzle.project import load_project
from neontui.core.kit.commands import push
from neontui.core.kit.session import Prompt
from tests.drizzle_project import edit_schema, migrated_with_one_user
from tests.helpers import table_columns

pytestmark = pytest.mark.drizzle


def ignore(_event: object) -> None:
    """An on_event sink for results read from the KitResult alone."""


@pytest.fixture
def migrated(drizzle_project_v1: Path, database_url: str) -> Path:
    """The 1.0 project migrated by rc.5, with one user whose full_name is set."""
    return migrated_with_one_user(drizzle_project_v1, database_url)






def run_push(root: Path, url: str, answer) -> object:
    return push(load_project(root, url=url), url=url, answer=answer, on_event=ignore)


def test_declining_data_loss_applies_nothing_and_accepting_drops(migrated: Path, database_url: str) -> None:
    edit_schema(migrated, ", fullName: text('full_name')", "")
    asked: list[Prompt] = []
    declined = run_push(migrated, database_url, lambda p: asked.append(p) or 0)  # "No, abort"
    assert [p.kind for p in asked] == ["data-loss"] and asked[0].choices[0] == "No, abort"
    assert "You're about to delete full_name column in users table (it has data)" in asked[0].context[1]
    assert not declined.ok and declined.aborted == "Do you still want to push changes?"
    assert "full_name" in table_columns(database_url)

    accepted = run_push(migrated, database_url, lambda p: 1)
    assert accepted.ok and accepted.summary == "changes applied" and accepted.kit_line == "1.0"
    assert accepted.hints == [{"type": "confirm_data_loss", "kind": "column",
                               "entity": ["public", "users", "full_name"]}]
    assert "full_name" not in table_columns(database_url)
    again = run_push(migrated, database_url, lambda p: None)
    assert again.ok and again.summary == "no changes detected"


def test_a_rename_keeps_the_data(migrated: Path, database_url: str) -> None:
    edit_schema(migrated, "fullName: text('full_name')", "displayName: text('display_name')")
    asked: list[Prompt] = []
    result = run_push(migrated, database_url, lambda p: asked.append(p) or 1)
    assert [p.choices for p in asked] == [("+ display_name create column",
                                           "~ full_name › display_name rename column")]
    assert result.ok
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select display_name from users").fetchall() == [("Ada",)]


def test_a_database_error_is_reported_with_its_message(migrated: Path, database_url: str) -> None:
    edit_schema(migrated, "fullName: text('full_name')", "fullName: text('full_name'), nick: text('nick').notNull()")
    result = run_push(migrated, database_url, lambda p: None)
    assert not result.ok
    assert 'column "nick" of relation "users" contains null values' in result.summary
    assert 'ALTER TABLE "users" ADD COLUMN "nick" text NOT NULL;' in result.summary
    assert "stayed applied" in result.next_step
    assert "nick" not in table_columns(database_url)


def test_strict_asks_over_the_planned_statements(migrated: Path, database_url: str) -> None:
    """rc.5 refuses --strict for postgresql; neontui asks over an --explain run, as 0.31's --strict asked."""
    edit_schema(migrated, "fullName: text('full_name')", "fullName: text('full_name'), age: integer('age')")
    project = load_project(migrated, url=database_url)
    asked: list[Prompt] = []
    declined = push(project, args=["--strict"], url=database_url, answer=lambda p: asked.append(p) or 0,
                    on_event=ignore)
    assert [(p.kind, p.statements) for p in asked] == [("strict", ('ALTER TABLE "users" ADD COLUMN "age" integer;',))]
    assert not declined.ok and "age" not in table_columns(database_url)
    accepted = push(project, args=["--strict"], url=database_url, answer=lambda p: 1, on_event=ignore)
    assert accepted.ok and "age" in table_columns(database_url)
