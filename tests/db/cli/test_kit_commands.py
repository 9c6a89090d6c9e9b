"""`neontui migrate --plan`, `check`, `up`, `studio`, and the audit records of `generate` and `push`, as a user runs
them (the real drizzle-kit, a real PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.factories import sql_project
from tests.helpers import free_port, ledger_rows, neontui, wait_until

B = "--> statement-breakpoint\n"
AUDIT_TOML = 'audit_log = "logs/audit.jsonl"\n'


def test_migrate_plan_shows_the_transactions_and_runs_nothing(tmp_path: Path, database_url: str) -> None:
    root = sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "email" text);',
        "0001_index": f'ALTER TABLE "users" ADD COLUMN "name" text;{B}'
                      'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");'.encode()})
    shown = neontui("migrate", str(root), "--plan", url=database_url)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "BEGIN" and "  ledger row for 0000_init" in lines
    assert any(line.startswith("-- outside a transaction: 0001_index #1: CREATE INDEX CONCURRENTLY")
               for line in lines), shown.stdout
    as_json = neontui("migrate", str(root), "--plan", "--json", url=database_url)
    steps = json.loads(as_json.stdout)["plan"]
    assert [s["transactional"] for s in steps].count(False) == 1
    assert ledger_rows(database_url) == []  # a plan runs nothing


@pytest.mark.drizzle
def test_check_and_up_report_the_folder(drizzle_project: Path) -> None:
    checked = neontui("check", str(drizzle_project))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "✓ the migrations folder is consistent" in checked.stdout and "next: nothing to fix" in checked.stdout
    upgraded = neontui("up", str(drizzle_project), "--json")
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert json.loads(upgraded.stdout)["summary"] == "snapshots are up to date"


@pytest.mark.drizzle
def test_generate_and_push_are_audited_in_the_configured_log(drizzle_project: Path, database_url: str,
                                                             tmp_path: Path) -> None:
    (drizzle_project / "neontui.toml").write_text(AUDIT_TOML)
    generated = neontui("generate", str(drizzle_project), "--custom", "--name", "by_hand")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    pushed = neontui("push", str(drizzle_project), "--yes", url=database_url, state=tmp_path)  # no terminal
    assert pushed.returncode == 0 and "changes applied" in pushed.stdout, pushed.stdout + pushed.stderr
    shown = neontui("audit", str(drizzle_project), "--json")
    log = json.loads(shown.stdout)
    assert log["path"] == str(drizzle_project / "logs" / "audit.jsonl")
    assert [(r["action"], r["result"]) for r in log["records"]] == [("generate", "ok"), ("push", "ok")]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.drizzle
def test_studio_reports_its_url_and_ctrl_c_stops_it(drizzle_project: Path, database_url: str) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    proc = subprocess.Popen([sys.executable, "-m", "neontui", "studio", str(drizzle_project), "--port", str(port)],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    watchdog = threading.Timer(120, proc.kill)  # a line that never comes must not hang the suite
    watchdog.start()
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # flushed while the studio runs: a script reading the pipe gets the URL
        assert first.startswith("Drizzle Studio is running: https://local.drizzle.studio"), first
        assert f"127.0.0.1:{port}" in first and _listening(port)
        proc.send_signal(signal.SIGINT)  # Ctrl-C, at once after the line: it stops the studio, exit 0
        out, err = proc.communicate(timeout=60)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "next: studio stopped" in out
    wait_until(lambda: not _listening(port), 10, "the studio's port to close")
