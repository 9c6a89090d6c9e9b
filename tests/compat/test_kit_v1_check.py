"""A real fork of a drizzle 1.0 history (two copies of a project generate from the same parent with rc.5, both new
folders merged into one project, as after a git merge): one pair of branches that conflicts, one that commutes.
What rc.5's `check --output json` and `migrate` do on each, and how neontui reports it (check, status, migrate)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from neontui.cli.main import main
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.project import load_project
from neontui.core.kit.commands import check, migrate
from neontui.core.kit.conflicts import conflict_problems
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import STEPS, copy_project, generate_all, migration_names, write_project
from tests.helpers import LEDGER, ledger_rows

pytestmark = pytest.mark.drizzle

INIT = STEPS[0][1]
NICK_TEXT = INIT.replace("fullName: text('full_name')", "fullName: text('full_name'), nick: text('nick')")
NICK_INT = INIT.replace("fullName: text('full_name')", "fullName: text('full_name'), nick: integer('nick')")
SCORE = INIT.replace("body: text('body')", "body: text('body'), score: integer('score')")


def ignore(_event: object) -> None:
    """An on_event sink for results read from the KitResult alone."""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("fork") / "base", line="1.0")
    generate_all(root, STEPS[:1])
    return root


def branch(base: Path, dest: Path, name: str, schema: str) -> Path:
    """A copy of `base` that generated one migration on its own (a git branch)."""
    root = copy_project(base, dest, line="1.0")
    (root / "schema.ts").write_text(schema)
    done = run_drizzle_kit(root, "generate", "--name", name)
    assert "Your SQL migration" in done.stdout, done.stdout + done.stderr
    time.sleep(1.05)  # folder names are to the second: the next branch's folder must sort after this one
    return root


def merged(base: Path, tmp_path: Path, *branches: tuple[str, str]) -> Path:
    """`base` with each branch's new folder copied in; the schema is the last branch's."""
    root = copy_project(base, tmp_path / "merged", line="1.0")
    for name, schema in branches:
        other = branch(base, tmp_path / name, name, schema)
        for folder in (other / "drizzle").iterdir():
            if not (root / "drizzle" / folder.name).exists():
                shutil.copytree(folder, root / "drizzle" / folder.name)
        (root / "schema.ts").write_text(schema)
    return root


@pytest.fixture
def conflicting(base: Path, tmp_path: Path) -> Path:
    return merged(base, tmp_path, ("nick_text", NICK_TEXT), ("nick_int", NICK_INT))


@pytest.fixture
def commuting(base: Path, tmp_path: Path) -> Path:
    return merged(base, tmp_path, ("nick_text", NICK_TEXT), ("score", SCORE))


def test_conflicting_branches_are_parsed_with_both_folders_and_statements(conflicting: Path) -> None:
    init, a, b = migration_names(conflicting)
    assert read_migrations(conflicting / "drizzle").folders.branches == [(init, [a, b])]
    result = check(load_project(conflicting), on_event=ignore)
    assert not result.ok and result.kit_line == "1.0"
    assert result.conflicts == [{"parent": init, "branches": [
        {"leaf": a, "statement": f"add_column: nick on users table ({a})", "action": "add_column",
         "target": {"kind": "column", "schema": "public", "table": "users", "name": "nick"}},
        {"leaf": b, "statement": f"add_column: nick on users table ({b})", "action": "add_column",
         "target": {"kind": "column", "schema": "public", "table": "users", "name": "nick"}}]}]
    assert a in result.summary and b in result.summary
    assert "drizzle-kit generate --fix-conflicts deletes" in result.next_step and "destructive" in result.next_step


def test_status_reports_the_conflict_and_rc5_refuses_to_migrate(conflicting: Path, database_url: str,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    _, a, b = migration_names(conflicting)
    assert main(["status", str(conflicting), "--json"]) == 2
    problems = json.loads(capsys.readouterr().out)["summary"]["problems"]
    conflict = [p for p in problems if p["code"] == "conflict"]
    assert len(conflict) == 1 and conflict[0]["tag"] == b
    message = conflict[0]["message"]
    assert f"migrations {a} and {b}" in message and f"add_column: nick on users table ({a})" in message
    assert "drizzle-kit generate --fix-conflicts" in message and "destructive" in message

    result = migrate(load_project(conflicting), url=database_url, on_event=ignore)
    assert not result.ok and "Conflicting migrations detected" in result.summary
    assert ledger_rows(database_url, LEDGER) == []  # refused before touching the database

    # neontui's own migrator refuses it as rc.5 does, in one line, before anything runs
    assert main(["migrate", str(conflicting), "--yes"]) == 3
    err = capsys.readouterr().err
    assert f"migrations {a} and {b}" in err and "nothing was run" in err and err.count("\n") == 1
    assert ledger_rows(database_url, LEDGER) == []


def test_commuting_branches_pass_check_and_rc5_migrates_both(commuting: Path, database_url: str,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    names = migration_names(commuting)
    assert read_migrations(commuting / "drizzle").folders.branches  # it does fork
    result = check(load_project(commuting), on_event=ignore)
    assert result.ok and result.conflicts == []
    assert any("branches that are not merged" in w for w in result.warnings)  # rc.5's merge_needed warning
    monkeypatch.setenv("DATABASE_URL", database_url)
    main(["status", str(commuting), "--json"])
    problems = json.loads(capsys.readouterr().out)["summary"]["problems"]
    assert not [p for p in problems if p["code"].startswith("conflict")]
    done = migrate(load_project(commuting), url=database_url, on_event=ignore)
    assert done.ok and len(ledger_rows(database_url, LEDGER)) == len(names) == 3


def test_native_migrator_applies_commuting_branches_like_rc5(commuting: Path, database_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["migrate", str(commuting), "--yes"]) == 0
    assert len(ledger_rows(database_url, LEDGER)) == 3
    done = migrate(load_project(commuting), url=database_url, on_event=ignore)
    assert done.ok and len(ledger_rows(database_url, LEDGER)) == 3  # rc.5 finds nothing left


def test_a_history_without_a_fork_has_no_conflict_problems(drizzle_project_v1: Path) -> None:
    journal = read_migrations(drizzle_project_v1 / "drizzle")
    assert journal.folders.branches == []
    assert conflict_problems(load_project(drizzle_project_v1), journal) == []


async def test_the_console_shows_the_conflict_after_loading(conflicting: Path, database_url: str,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from neontui.tui.app import NeontuiApp, Options
    from neontui.tui.widgets.log_pane import LogPane
    from tests.helpers import settle

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    _, a, b = migration_names(conflicting)
    app = NeontuiApp(Options(conflicting, url=database_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        log = app.query_one("#log", LogPane)
        log.flush_all()
        shown = "\n".join(log.log_widget.lines)
        assert f"✗ conflict: migrations {a} and {b}" in shown and "--fix-conflicts" in shown
        assert app.gate is not None
        assert [p.code for p in app.gate.pending.overview.status.problems].count("conflict") == 1
