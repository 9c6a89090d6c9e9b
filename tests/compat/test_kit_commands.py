"""core/kit/commands against the real drizzle-kit: check's verdict is read from its output, not only its exit code
(a collision, typical after a git merge), and a cancelled question is reported as aborted, never as success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neontui.core.drizzle.project import load_project
from neontui.core.kit.commands import check, generate
from neontui.core.kit.session import Prompt

pytestmark = pytest.mark.drizzle


def ignore(_event: object) -> None:
    """An on_event sink for results that are read from the KitResult alone."""


def test_check_reports_a_snapshot_collision(drizzle_project: Path) -> None:
    meta = drizzle_project / "drizzle" / "meta"
    parent = json.loads((meta / "0002_snapshot.json").read_text())["prevId"]
    child = meta / "0003_snapshot.json"
    child.write_text(json.dumps({**json.loads(child.read_text()), "prevId": parent}))  # two children of one parent
    result = check(load_project(drizzle_project), on_event=ignore)
    assert not result.ok and result.returncode != 0
    assert "collision" in result.summary and result.errors and result.summary == result.errors[0]
    assert result.next_step.startswith("fix the journal or snapshots")


def test_an_unanswered_rename_question_aborts_and_writes_nothing(drizzle_project: Path) -> None:
    schema = drizzle_project / "schema.ts"
    schema.write_text(schema.read_text().replace("fullName: text('full_name')", "givenName: text('given_name')"))
    asked: list[Prompt] = []
    result = generate(load_project(drizzle_project), name="rename", answer=lambda p: asked.append(p) or None,
                      on_event=ignore)
    assert len(asked) == 1 and result.aborted == asked[0].question
    assert not result.ok and result.created == []
    assert not list((drizzle_project / "drizzle").glob("*_rename.sql"))
