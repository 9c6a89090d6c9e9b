"""The `neontui` command as a user runs it: real processes, real PostgreSQL, one-line errors, no secrets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from neontui.core.db.url import parse_url, with_database
from tests.factories import sql_project
from tests.helpers import SECRET, assert_one_line_error, neontui, secret_url


def project(root: Path, *, dialect: str = "postgresql", out: str = "'./drizzle'") -> Path:
    return sql_project(root, {"0000_init": b"CREATE TABLE t (id int);"}, dialect=dialect, out=out)


def test_status_table_and_json_never_show_the_password(tmp_path, database_url):
    root = project(tmp_path)
    env = {"DATABASE_URL": secret_url(database_url)}
    table = neontui("status", str(root), env=env)
    assert table.returncode == 1, table.stderr
    assert "0000_init" in table.stdout and "pending" in table.stdout
    doc_run = neontui("status", "--json", cwd=root, env=env)
    doc = json.loads(doc_run.stdout)
    assert doc["summary"]["would_run_next"] == ["0000_init"]
    assert doc["database"]["url"].startswith(f"postgresql://{parse_url(database_url).user}:****@")
    for output in (table.stdout, table.stderr, doc_run.stdout, doc_run.stderr):
        assert SECRET not in output


def test_project_dir_as_first_argument_means_status(tmp_path, database_url):
    root = project(tmp_path)
    result = neontui(str(root), "--json", env={"DATABASE_URL": database_url})
    assert result.returncode == 1 and json.loads(result.stdout)["summary"]["counts"]["pending"] == 1


@pytest.mark.parametrize(("setup", "code", "fragment"), [
    ("no-config", 3, "no drizzle.config"),
    ("missing-dir", 64, "does not exist"),
    ("bad-journal", 3, "_journal.json: invalid JSON at line 1"),
    ("no-journal", 3, "no migrations: neither meta/_journal.json (drizzle 0.x) nor"),
    ("url-unset", 3, "DATABASE_URL is not set"),
    ("mysql-url", 3, "mysql://"),
    ("dialect", 3, "dialect: 'mysql'"),
    ("dynamic-out", 3, "--out"),
    ("refused", 3, "connection refused"),
    ("unknown-host", 3, "unknown host"),
    ("no-database", 3, 'database "nope_not_here" does not exist'),
    ("bad-flag", 64, "unrecognized arguments: --frobnicate"),
])
def test_bad_input_is_one_line_with_documented_exit_code(tmp_path, pg_admin_url, setup, code, fragment):
    root = tmp_path / "p"
    root.mkdir()
    args, env = ["status", str(root)], {"DATABASE_URL": secret_url(pg_admin_url)}
    if setup != "no-config":
        project(root, dialect="mysql" if setup == "dialect" else "postgresql",
                out="getOut()" if setup == "dynamic-out" else "'./drizzle'")
    if setup == "missing-dir":
        args = ["status", str(tmp_path / "absent")]
    elif setup == "bad-journal":
        (root / "drizzle" / "meta" / "_journal.json").write_text("{oops")
    elif setup == "no-journal":
        shutil.rmtree(root / "drizzle")
    elif setup == "url-unset":
        env = {}
    elif setup == "mysql-url":
        env = {"DATABASE_URL": f"mysql://root:{SECRET}@localhost/app"}
    elif setup == "refused":
        env = {"DATABASE_URL": f"postgresql://app:{SECRET}@127.0.0.1:1/app"}
    elif setup == "unknown-host":
        env = {"DATABASE_URL": f"postgresql://app:{SECRET}@db.does-not-exist.invalid/app"}
    elif setup == "no-database":
        env = {"DATABASE_URL": secret_url(with_database(pg_admin_url, "nope_not_here"))}
    elif setup == "bad-flag":
        args.append("--frobnicate")
    assert_one_line_error(neontui(*args, env=env), code, fragment)


def test_json_mode_reports_errors_as_json(tmp_path):
    root = project(tmp_path)
    result = neontui("status", str(root), "--json", env={"DATABASE_URL": f"postgresql://a:{SECRET}@127.0.0.1:1/x"})
    assert result.returncode == 3
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "refused" and error["exit_code"] == 3
    assert SECRET not in result.stdout + result.stderr


def test_unexpected_exception_writes_a_redacted_crash_report(tmp_path, monkeypatch, capsys):
    from neontui.cli import main as cli
    from neontui.cli import status

    def explode(*_args):
        raise RuntimeError(f"boom with postgresql://app:{SECRET}@host/db")

    monkeypatch.setattr(status, "run", explode)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert cli.main(["status", str(tmp_path)]) == 70
    err = capsys.readouterr().err
    assert err.startswith("neontui: error: internal error: RuntimeError") and "Traceback" not in err
    reports = list((tmp_path / "neontui").glob("crash-*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text()
    assert "Traceback" in text and "explode" in text
    assert SECRET not in text + err


def test_doctor_reports_each_prerequisite(tmp_path, database_url):
    root = project(tmp_path)
    result = neontui("doctor", str(root), "--json", env={"DATABASE_URL": secret_url(database_url)})
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert list(checks) == ["config", "dialect", "database-url", "drizzle-kit", "node"]
    assert checks["config"]["ok"] and checks["dialect"]["ok"] and checks["database-url"]["ok"]
    assert not checks["drizzle-kit"]["ok"] and "npm install -D drizzle-kit" in checks["drizzle-kit"]["fix"]
    assert result.returncode == 3
    assert SECRET not in result.stdout + result.stderr


def test_demo_creates_sample_with_applied_and_risky_pending_migrations(tmp_path):
    result = neontui("demo", "--dir", str(tmp_path / "demo"), "--json", "--no-install")  # npm: test_demo_install
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(m["tag"], m["state"]) for m in doc["migrations"]] == [
        ("0000_init", "applied"), ("0001_add_deployments", "applied"), ("0002_add_roles", "applied"),
        ("0003_billing_email", "pending")]
    pending_sql = (tmp_path / "demo" / "project" / "drizzle" / "0003_billing_email.sql").read_text()
    assert 'ADD COLUMN "billing_email" text NOT NULL' in pending_sql
    assert doc["database"]["database"] == "neontui_demo"


@pytest.mark.drizzle
def test_demo_install_makes_drizzle_kit_actions_work(tmp_path):
    from neontui.core.actions.demo import create_demo, install_drizzle_kit
    from neontui.core.drizzle.project import load_project
    from neontui.core.kit.commands import check

    demo = create_demo(tmp_path / "demo")
    install_drizzle_kit(demo.project_dir)
    assert (demo.project_dir / "node_modules" / ".bin" / "drizzle-kit").exists()
    result = check(load_project(demo.project_dir), on_event=lambda _e: None)
    assert result.ok and result.summary == "the migrations folder is consistent"


def test_a_reader_that_closes_the_pipe_stops_output_quietly(tmp_path, database_url):
    """`neontui status | head -1`: the rest of the output is dropped, with no internal error and no crash report."""
    import os
    import subprocess
    import sys

    from tests.factories import sql_project

    root = sql_project(tmp_path / "many", {f"{n:04d}_step": b"SELECT 1;" for n in range(1500)})  # > a pipe's 64 KiB
    env = {**os.environ, "DATABASE_URL": database_url, "XDG_STATE_HOME": str(tmp_path / "state")}
    proc = subprocess.Popen([sys.executable, "-m", "neontui", "status", str(root)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"project")
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141, err
    assert b"internal error" not in err and b"Traceback" not in err
    assert not list((tmp_path / "state").rglob("crash-*.txt"))
