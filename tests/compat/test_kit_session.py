"""drizzle-kit driven through a pseudo-terminal: prompts as events, truthful results, no escape codes, no secrets,
no process left behind. Real drizzle-kit 0.31.11, real PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from neontui.core.drizzle.project import load_project
from neontui.core.errors import ConfigError
from neontui.core.kit import session as session_module
from neontui.core.kit.commands import generate, push
from neontui.core.kit.session import ENTER, QUIET, KitSession, Prompt, find_choice
from tests.drizzle_project import write_project
from tests.helpers import SECRET, secret_url, wait_until

pytestmark = pytest.mark.drizzle

USERS = ("import { pgTable, serial, text, integer, check } from 'drizzle-orm/pg-core';\nimport { sql } from "
         "'drizzle-orm';\nexport const users = pgTable('users', { id: serial('id').primaryKey(), %s });\n")


@pytest.fixture
def app(tmp_path: Path, database_url: str):
    root = write_project(tmp_path / "app")
    (root / "schema.ts").write_text(USERS % "fullName: text('full_name')")
    project = load_project(root, environ={"DATABASE_URL": secret_url(database_url)})
    assert generate(project, name="init", answer=lambda _p: None, on_event=lambda _e: None).ok
    return project


def collect(events: list):
    return events.append


def test_rename_answered_through_the_prompt_event(app):
    (app.config.root / "schema.ts").write_text(USERS % "displayName: text('display_name')")
    events: list = []
    result = generate(app, name="rename", answer=lambda p: find_choice(p, r"^~ full_name"), on_event=collect(events))
    prompts = [e for e in events if isinstance(e, Prompt)]
    assert [p.kind for p in prompts] == ["rename"]
    assert prompts[0].question == "Is display_name column in users table created or renamed from another column?"
    assert prompts[0].choices[0].startswith("+ display_name") and prompts[0].selected == 0
    assert result.ok and result.created == ["0001_rename"]
    assert result.statements["0001_rename"] == ['ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";']
    assert "neontui migrate" in result.next_step


def test_a_slow_enter_after_the_arrow_keys_is_not_asked_as_a_second_question(app, monkeypatch):
    """Under load the kit redraws the prompt after the arrow keys and reads Enter later than QUIET: that redraw is
    the question already answered, not a new one (CI once saw push's confirmation dialog come back after `y`)."""
    write = os.write

    def slow_enter(fd: int, data: bytes) -> int:
        if len(data) > len(ENTER) and data.endswith(ENTER):  # the arrow keys now, Enter after a pause
            write(fd, data[:-len(ENTER)])
            time.sleep(QUIET * 4)
            return write(fd, ENTER)
        return write(fd, data)

    monkeypatch.setattr(session_module.os, "write", slow_enter)
    (app.config.root / "schema.ts").write_text(USERS % "displayName: text('display_name')")
    events: list = []
    result = generate(app, name="rename", answer=lambda p: find_choice(p, r"^~ full_name"), on_event=collect(events))
    assert [p.kind for p in events if isinstance(p, Prompt)] == ["rename"]
    assert result.statements["0001_rename"] == ['ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";']


def test_create_answer_drops_and_adds(app):
    (app.config.root / "schema.ts").write_text(USERS % "displayName: text('display_name')")
    result = generate(app, name="create", answer=lambda p: find_choice(p, r"^\+ display_name"),
                      on_event=lambda _e: None)
    assert result.ok and sorted(result.statements["0001_create"]) == [
        'ALTER TABLE "users" ADD COLUMN "display_name" text;', 'ALTER TABLE "users" DROP COLUMN "full_name";']


def test_no_changes_is_reported_as_such(app):
    result = generate(app, name="nothing", answer=lambda _p: None, on_event=lambda _e: None)
    assert result.ok and result.summary == "no schema changes: nothing to generate" and result.created == []


def test_cli_without_an_answer_aborts_clearly_and_with_a_flag_succeeds(app, tmp_path):
    (app.config.root / "schema.ts").write_text(USERS % "displayName: text('display_name')")
    env = {**os.environ, "DATABASE_URL": "postgresql://x@localhost/x"}

    def cli(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "neontui", "generate", str(app.config.root), "--name", "ren",
                               *extra], env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    aborted = cli()
    assert aborted.returncode == 4
    assert 'drizzle-kit asks "Is display_name column in users table created or renamed from another column?"' \
        in aborted.stderr and "pass --rename OLD:NEW or --create NAME" in aborted.stderr
    assert "✗ aborted at drizzle-kit's question" in aborted.stdout
    assert not (app.out_dir / "0001_ren.sql").exists()
    done = cli("--rename", "full_name:display_name")
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'RENAME COLUMN "full_name" TO "display_name"' in (app.out_dir / "0001_ren.sql").read_text()
    for output in (aborted.stdout, aborted.stderr, done.stdout, done.stderr):
        assert "\x1b" not in output


def test_push_applies_detects_errors_and_stops_at_data_loss(app, database_url):
    url = secret_url(database_url)
    (app.config.root / "schema.ts").write_text(USERS % "fullName: text('full_name'), score: integer('score')")
    events: list = []
    ok = push(app, url=url, answer=lambda _p: None, on_event=collect(events))
    assert ok.ok and ok.summary == "changes applied"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO users (full_name, score) VALUES ('ada', 0)")
    (app.config.root / "schema.ts").write_text(
        (USERS % "fullName: text('full_name'), score: integer('score')").replace(
            "});\n", "}, (t) => [check('score_positive', sql`${t.score} > 0`)]);\n"))
    failed = push(app, url=url, answer=lambda _p: None, on_event=lambda _e: None)
    assert not failed.ok and failed.summary.startswith("push failed although drizzle-kit exited 0")
    assert "score_positive" in " ".join(failed.errors) or "violated" in " ".join(failed.errors)
    (app.config.root / "schema.ts").write_text(USERS % "fullName: text('full_name')")
    asked: list[Prompt] = []
    stopped = push(app, url=url, answer=lambda p: asked.append(p) or find_choice(p, r"^no, abort"),
                   on_event=lambda _e: None)
    assert [p.kind for p in asked] == ["data-loss"] and not stopped.ok and "aborted" in stopped.summary
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select score from users").fetchone() == (0,)  # the column survived
    lines = [e.text for e in events if hasattr(e, "text")]
    assert all("\x1b" not in line and SECRET not in line for line in lines + failed.lines + stopped.lines)


def test_cancel_leaves_no_process_behind(app):
    (app.config.root / "schema.ts").write_text(USERS % "displayName: text('display_name')")
    session = KitSession(app, "generate", ["--name", "x"]).start()
    for event in session.events():
        if isinstance(event, Prompt):
            session.cancel()
        if hasattr(event, "returncode"):
            assert event.cancelled
            break
    def group_gone() -> bool:
        try:
            os.killpg(session.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(group_gone, 5, "drizzle-kit's process group to end")


def test_pooled_url_goes_to_drizzle_kit_as_the_direct_endpoint(app):
    pooled = "postgresql://app:pw@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require"
    session = KitSession(app, "migrate", url=pooled)
    assert session.env["DATABASE_URL"] == pooled.replace("-pooler", "")
    assert "direct endpoint" in session.switch
    assert KitSession(app, "generate", url=pooled).env["DATABASE_URL"] == pooled  # no database work


def test_drizzle_kit_absent(tmp_path):
    root = tmp_path / "bare"
    root.mkdir()
    (root / "drizzle.config.ts").write_text("export default { dialect: 'postgresql', out: './drizzle' };")
    project = load_project(root, environ={})
    with pytest.raises(ConfigError, match="drizzle-kit is not installed") as err:
        KitSession(project, "generate")
    assert err.value.hint == "npm install -D drizzle-kit"
    result = subprocess.run([sys.executable, "-m", "neontui", "generate", str(root), "--json"], capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 3 and json.loads(result.stdout)["error"]["message"].startswith(
        "drizzle-kit is not installed")
