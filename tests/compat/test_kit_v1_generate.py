"""`generate` with the real drizzle-kit 1.0.0-rc.5 goes through `--output json`: no_changes, ok, and a rename
question (missing_hints) asked as 0.31's prompt was, answered, and re-run with `--hints`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neontui.cli.main import main
from neontui.core.drizzle.project import load_project
from neontui.core.kit.commands import generate
from neontui.core.kit.session import Prompt
from tests.drizzle_project import edit_schema, migration_names

pytestmark = pytest.mark.drizzle

RENAMED = "givenName: text('given_name')"


def ignore(_event: object) -> None:
    """An on_event sink for results read from the KitResult alone."""




def test_no_changes(drizzle_project_v1: Path) -> None:
    before = migration_names(drizzle_project_v1)
    result = generate(load_project(drizzle_project_v1), answer=lambda _p: None, on_event=ignore)
    assert result.ok and result.kit_line == "1.0" and result.summary == "no schema changes: nothing to generate"
    assert result.created == [] and migration_names(drizzle_project_v1) == before


def test_a_new_column_is_generated_without_questions(drizzle_project_v1: Path) -> None:
    edit_schema(drizzle_project_v1, "fullName: text('full_name')", "fullName: text('full_name'), age: integer('age')")
    asked: list[Prompt] = []
    result = generate(load_project(drizzle_project_v1), name="age", answer=lambda p: asked.append(p) or None,
                      on_event=ignore)
    assert result.ok and asked == [] and len(result.created) == 1 and result.created[0].endswith("_age")
    assert result.statements[result.created[0]] == ['ALTER TABLE "users" ADD COLUMN "age" integer;']


def test_a_rename_question_is_asked_and_answered_with_hints(drizzle_project_v1: Path) -> None:
    edit_schema(drizzle_project_v1, "fullName: text('full_name')", RENAMED)
    asked: list[Prompt] = []

    def rename(prompt: Prompt) -> int:
        asked.append(prompt)
        return 1

    result = generate(load_project(drizzle_project_v1), name="rename", answer=rename, on_event=ignore)
    assert [(p.question, p.choices, p.kind) for p in asked] == [(
        "Is given_name column in users table created or renamed from another column?",
        ("+ given_name create column", "~ full_name › given_name rename column"), "rename")]
    assert result.ok and len(result.created) == 1
    assert result.statements[result.created[0]] == ['ALTER TABLE "users" RENAME COLUMN "full_name" TO "given_name";']
    assert result.hints == [{"type": "rename", "kind": "column", "from": ["public", "users", "full_name"],
                             "to": ["public", "users", "given_name"]}]


def test_create_instead_of_rename(drizzle_project_v1: Path) -> None:
    edit_schema(drizzle_project_v1, "fullName: text('full_name')", RENAMED)
    result = generate(load_project(drizzle_project_v1), name="create", answer=lambda _p: 0, on_event=ignore)
    assert result.ok
    assert result.statements[result.created[0]] == ['ALTER TABLE "users" ADD COLUMN "given_name" text;',
                                                    'ALTER TABLE "users" DROP COLUMN "full_name";']


def test_an_unanswered_question_writes_nothing(drizzle_project_v1: Path) -> None:
    edit_schema(drizzle_project_v1, "fullName: text('full_name')", RENAMED)
    before = migration_names(drizzle_project_v1)
    result = generate(load_project(drizzle_project_v1), answer=lambda _p: None, on_event=ignore)
    assert not result.ok and result.aborted is not None and "created or renamed" in result.aborted
    assert result.summary.startswith("aborted at drizzle-kit's question")
    assert migration_names(drizzle_project_v1) == before


def test_the_cli_rename_flag_answers_the_1_0_question(drizzle_project_v1: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    edit_schema(drizzle_project_v1, "fullName: text('full_name')", RENAMED)
    code = main(["generate", str(drizzle_project_v1), "--name", "rename", "--rename", "full_name:given_name",
                 "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["ok"] and doc["kit_line"] == "1.0"
    assert list(doc["statements"].values()) == [['ALTER TABLE "users" RENAME COLUMN "full_name" TO "given_name";']]


def test_the_cli_without_an_answer_aborts_naming_the_flag(drizzle_project_v1: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    edit_schema(drizzle_project_v1, "fullName: text('full_name')", RENAMED)
    code = main(["generate", str(drizzle_project_v1)])
    captured = capsys.readouterr()
    assert code == 4 and "pass --rename OLD:NEW or --create NAME" in captured.err
    assert "✗ aborted at drizzle-kit's question" in captured.out
