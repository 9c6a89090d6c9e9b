"""The first migration `drizzle-kit pull` writes, on both lines: reported as unrunnable while its SQL is still
commented out (drizzle's split cuts the comment at the breakpoints, and migrate fails), and not once it has been
uncommented, though the header line stays (seen on a real 298-migration project)."""

from __future__ import annotations

import json

import psycopg
import pytest

from neontui.cli.main import main
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import write_project
from tests.helpers import ledger_rows

pytestmark = pytest.mark.drizzle


@pytest.mark.parametrize("line", ["0.31", "1.0"])
def test_pulled_file_is_judged_by_its_content(line, tmp_path, make_database, capsys):
    source, fresh = make_database(), make_database()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("create table users (id int primary key, email text);"
                     "create table posts (id int primary key, user_id int references users(id))")
    project = write_project(tmp_path / "pulled", line=line)
    result = run_drizzle_kit(project, "pull", env={"DATABASE_URL": source})
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = [*project.glob("drizzle/*.sql"), *project.glob("drizzle/*/migration.sql")]

    assert main(["status", str(project), "--json", "--url", fresh]) == 2
    problems = json.loads(capsys.readouterr().out)["summary"]["problems"]
    assert [p["code"] for p in problems] == ["pulled-file"]
    assert run_drizzle_kit(project, "migrate", env={"DATABASE_URL": fresh}).returncode != 0
    assert ledger_rows(fresh) == []

    path.write_text(path.read_text().replace("\n/*\n", "\n").removesuffix("*/"))  # uncommented; the header stays
    assert main(["status", str(project), "--json", "--url", fresh]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["problems"] == [] and len(doc["summary"]["would_run_next"]) == 1
    result = run_drizzle_kit(project, "migrate", env={"DATABASE_URL": fresh})
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(ledger_rows(fresh)) == 1
