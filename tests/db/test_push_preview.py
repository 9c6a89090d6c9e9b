
"""A development push shows the development-only warning and the SQL the real drizzle-kit will execute before it
applies anything, with drizzle-kit 0.31.11 (`push --strict --verbose`: it prints the statements and asks) and
1.0.0-rc.5 (`push --explain` with the answers as hints prints them; nothing is applied before the question is
answered). Declining leaves the database as it was; accepting applies exactly that; production stays locked."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.actions.push import DEV_ONLY_WARNING, push
from neontui.core.db.url import parse_url
from neontui.core.drizzle.project import load_project
from neontui.core.gate.gate import open_gate
from neontui.core.kit.session import Prompt
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import edit_schema, migrated_with_one_user
from tests.helpers import neontui, table_columns

pytestmark = pytest.mark.drizzle

ADD_AGE = 'ALTER TABLE "users" ADD COLUMN "age" integer;'
DROP_FULL_NAME = 'ALTER TABLE "users" DROP COLUMN "full_name";'


@pytest.fixture(params=["0.31", "1.0"])
def migrated(request: pytest.FixtureRequest, database_url: str) -> Path:
    """The generated project of each drizzle-kit line, migrated by that kit, one user with a full_name."""
    root: Path = request.getfixturevalue("drizzle_project" if request.param == "0.31" else "drizzle_project_v1")
    return migrated_with_one_user(root, database_url)






def run_push(root: Path, url: str, answer) -> object:
    return push(open_gate(load_project(root, url=url)), answer=answer, on_event=lambda _e: None, confirm_first=True)


def test_the_statements_and_the_warning_come_before_anything_is_applied(migrated: Path, database_url: str) -> None:
    edit_schema(migrated, "fullName: text('full_name')", "fullName: text('full_name'), age: integer('age')")
    before = table_columns(database_url)
    asked: list[Prompt] = []
    declined = run_push(migrated, database_url, lambda p: asked.append(p) or 0)  # "No, abort"
    [prompt] = asked
    database = parse_url(database_url).dbname
    assert prompt.statements == (ADD_AGE,)
    assert prompt.context[0] == DEV_ONLY_WARNING
    assert prompt.question == f"Push these 1 statement(s) to {database}?"
    assert prompt.choices == ("No, abort", "Yes, I want to execute all statements")
    assert not declined.result.ok and "nothing was applied" in declined.result.summary
    assert table_columns(database_url) == before  # declining applied nothing

    accepted = run_push(migrated, database_url, lambda p: 1)
    assert accepted.result.ok and accepted.result.summary == "changes applied"
    assert table_columns(database_url) == [*before, "age"]
    again = run_push(migrated, database_url, lambda p: pytest.fail(f"asked {p.question} with nothing to do"))
    assert again.result.ok and again.result.summary == "no changes detected"


def test_a_dropped_column_shows_the_data_loss_with_the_statements(drizzle_project: Path, database_url: str) -> None:
    """0.31 asks its data-loss question instead of the strict one: it carries the statements and the warning."""
    done = run_drizzle_kit(drizzle_project, "migrate", env={"DATABASE_URL": database_url})
    assert done.returncode == 0, done.stdout + done.stderr
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("insert into users (email_address, full_name) values ('a@example.com', 'Ada')")
    edit_schema(drizzle_project, ", fullName: text('full_name')", "")
    asked: list[Prompt] = []
    declined = run_push(drizzle_project, database_url, lambda p: asked.append(p) or 0)
    [prompt] = asked
    assert prompt.kind == "data-loss" and prompt.statements == (DROP_FULL_NAME,)
    assert prompt.context[0] == DEV_ONLY_WARNING
    assert "· You're about to delete full_name column in users table with 1 items" in prompt.context
    assert prompt.question == "Do you still want to push changes?"
    assert not declined.result.ok and "full_name" in table_columns(database_url)


def test_cli_push_prints_the_warning_and_statements_and_needs_yes_without_a_terminal(
        migrated: Path, database_url: str, tmp_path: Path) -> None:
    edit_schema(migrated, "fullName: text('full_name')", "fullName: text('full_name'), age: integer('age')")
    declined = neontui("push", str(migrated), url=database_url, state=tmp_path)
    assert declined.returncode == 4, declined.stdout + declined.stderr
    assert DEV_ONLY_WARNING in declined.stderr and f"  {ADD_AGE}" in declined.stderr
    assert "no terminal can answer: declined, nothing applied (pass --yes to push these statements)" \
        in declined.stderr
    assert "age" not in table_columns(database_url)

    pushed = neontui("push", str(migrated), "--yes", url=database_url, state=tmp_path)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert f"  {ADD_AGE}" in pushed.stderr and "✓ changes applied" in pushed.stdout
    assert "age" in table_columns(database_url)


def test_production_push_stays_locked(migrated: Path, database_url: str, tmp_path: Path) -> None:
    (migrated / "neontui.toml").write_text('default_target = "prod"\n\n[targets.prod]\nurl_env = "DATABASE_URL"\n'
                                           "production = true\n")
    edit_schema(migrated, "fullName: text('full_name')", "fullName: text('full_name'), age: integer('age')")
    refused = neontui("push", str(migrated), "--yes", "--confirm", parse_url(database_url).dbname,
                      url=database_url, state=tmp_path)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "push is a development tool: refused in production" in refused.stdout
    assert DEV_ONLY_WARNING not in refused.stderr  # nothing ran: no kit, no statements
    assert "age" not in table_columns(database_url)
