"""Exactly once, and only what was reviewed: the migration lock across engines and processes.

Whatever mix of `neontui migrate` processes (native engine, drizzle-kit engine) meets one database, each migration
is applied once and the ledger holds one row per migration, with the reviewed hash; what drizzle-kit runs is the
bytes the review read, never a file edited afterwards. Real PostgreSQL, the real drizzle-kit, real processes.

To extend the family: build a project with `counted_project` (every migration leaves one row in `runs`, so a double
run shows as a duplicate), start processes with `start`, and check the database with `assert_applied_once`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from neontui.core.actions.migrate import Engine, execute
from neontui.core.drizzle.journal import drizzle_hash, read_journal
from neontui.core.drizzle.project import load_project
from neontui.core.gate.checklist import ChecklistStore
from neontui.core.gate.gate import open_gate
from neontui.core.safety import RunMode
from tests.drizzle_project import write_project
from tests.factories import sql_project
from tests.helpers import SECRET, ledger_rows, secret_url, wait_until

B = "--> statement-breakpoint\n"
TAGS = ["0000_a", "0001_b", "0002_c"]
RESULT_TIMEOUT = 120  # seconds per process: a hang fails the test instead of stalling the suite
RETRYABLE = ("the pending migrations changed since they were reviewed", "another migration is running")


def counted_project(root: Path, url: str, *, sleep: float = 2, custom_ledger: bool = False) -> Path:
    """Three migrations that each insert their tag into `runs` (created here, outside any migration, so a second
    run of a migration succeeds and leaves a duplicate row); the first one sleeps so that concurrent runs overlap
    (2 s: long enough for ten processes to have reviewed the batch before the first run commits)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE runs (tag text NOT NULL)")
    files = {tag: f"INSERT INTO runs VALUES ('{tag}');".encode() for tag in TAGS}
    files["0000_a"] += f"{B}SELECT pg_sleep({sleep});".encode()
    return write_project(sql_project(root, files), custom_ledger=custom_ledger)


def start(project: Path, engine: str, url: str, state: Path, *extra: str,
          env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environ = {**os.environ, "DATABASE_URL": url, "XDG_STATE_HOME": str(state), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "neontui", "migrate", str(project), "--engine", engine,
                             "--json", "--lock-wait", "60", *extra], env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def finish(proc: subprocess.Popen[str]) -> tuple[int, dict, str]:
    try:
        out, err = proc.communicate(timeout=RESULT_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"neontui migrate did not finish within {RESULT_TIMEOUT} s") from None
    assert out.strip(), f"no JSON document (exit {proc.returncode}): {err}"
    return proc.returncode, json.loads(out), err


def runs(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as conn:
        return conn.execute("select tag, count(*) from runs group by tag order by tag").fetchall()


def assert_applied_once(project: Path, url: str) -> None:
    reviewed = read_journal(project / "drizzle").entries
    assert ledger_rows(url) == [(m.hash, m.when) for m in reviewed]
    assert runs(url) == [(tag, 1) for tag in TAGS]


def assert_concurrent_runs_apply_once(project: Path, url: str, state: Path, engines: list[str]) -> None:
    procs = [start(project, engine, url, state) for engine in engines]
    try:
        results = [finish(proc) for proc in procs]
    finally:  # one process failing the test must not leave the others running
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    for code, doc, err in results:
        assert code in (0, 5), err
        assert "Traceback" not in err
        if code == 5:  # retryable, nothing ran: said in one line
            assert any(reason in doc["error"]["message"] for reason in RETRYABLE), doc["error"]
            assert err.count("neontui: error: ") == 1
    applied = [doc["applied"] for _, doc, _ in results]
    assert sorted(tag for batch in applied for tag in batch) == TAGS and TAGS in applied
    assert_applied_once(project, url)


def private_copies(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("neontui-kit-*"))


def wait_for_sleep(url: str, seconds: int, proc: subprocess.Popen[str]) -> None:
    """Poll until a session runs the first migration's `pg_sleep(seconds)`: drizzle-kit is mid-run."""
    with psycopg.connect(url, autocommit=True) as watcher:
        def sleeping() -> bool:
            assert proc.poll() is None, "the run ended before it reached the sleep"
            return watcher.execute("select count(*) from pg_stat_activity where query like %s and state = 'active' "
                                   "and pid <> pg_backend_pid()", (f"%pg_sleep({seconds})%",)).fetchone()[0] > 0

        wait_until(sleeping, 60, "the run to reach the sleep")


# --- the lock, across processes and engines ------------------------------------------------------------------

@pytest.mark.drizzle
def test_ten_drizzle_kit_runs_apply_each_migration_once(tmp_path, database_url):
    project = counted_project(tmp_path / "app", database_url)
    assert_concurrent_runs_apply_once(project, database_url, tmp_path / "state", ["drizzle-kit"] * 10)


@pytest.mark.drizzle
def test_native_and_drizzle_kit_runs_mixed_apply_each_migration_once(tmp_path, database_url):
    project = counted_project(tmp_path / "app", database_url)
    assert_concurrent_runs_apply_once(project, database_url, tmp_path / "state", ["native", "drizzle-kit"] * 5)


@pytest.mark.drizzle
def test_a_terminated_drizzle_kit_run_leaves_nothing_and_frees_the_lock(tmp_path, database_url):
    project = counted_project(tmp_path / "app", database_url, sleep=3)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = start(project, "drizzle-kit", database_url, tmp_path / "state", env={"TMPDIR": str(tmp)})
    wait_for_sleep(database_url, 3, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM, err
    # drizzle-kit (its own process group) was stopped with neontui, not left applying after the lock is gone
    assert not [p for p in Path("/proc").glob("[0-9]*") if str(project) in _cmdline(p) or str(tmp) in _cmdline(p)]
    assert private_copies(tmp) == []
    assert ledger_rows(database_url) == [] and runs(database_url) == []
    # nothing holds the lock any more, and a new run applies everything once (the killed run's transaction, still
    # sleeping on the server, can never commit: its client is gone)
    code, doc, err = finish(start(project, "drizzle-kit", database_url, tmp_path / "state", "--lock-wait", "5"))
    assert code == 0 and doc["applied"] == TAGS, err
    assert_applied_once(project, database_url)


def _cmdline(proc_dir: Path) -> str:
    try:
        return (proc_dir / "cmdline").read_bytes().decode(errors="replace")
    except OSError:  # the process has just ended
        return ""


# --- drizzle-kit runs the reviewed bytes ---------------------------------------------------------------------

@pytest.mark.drizzle
def test_a_file_edited_after_the_review_is_not_what_drizzle_kit_runs(tmp_path, database_url):
    project = counted_project(tmp_path / "app", database_url, sleep=0)
    gate = open_gate(load_project(project, url=database_url), mode=RunMode.TRANSACTION,
                     store=ChecklistStore(tmp_path / "state"))
    edited = project / "drizzle" / "0001_b.sql"
    reviewed = edited.read_bytes()
    edited.write_bytes(b"INSERT INTO runs VALUES ('unreviewed');")  # after the review, before drizzle-kit reads it
    outcome = execute(gate, engine=Engine.DRIZZLE_KIT)
    assert outcome.error is None and outcome.applied == TAGS
    assert runs(database_url) == [(tag, 1) for tag in TAGS]  # the reviewed INSERT ran, the edited one did not
    assert ledger_rows(database_url)[1][0] == drizzle_hash(reviewed) != drizzle_hash(edited.read_bytes())


@pytest.mark.drizzle
def test_the_private_copy_holds_no_password_and_is_removed_after_success(tmp_path, database_url):
    project = counted_project(tmp_path / "app", database_url, custom_ledger=True)
    tmp, state = tmp_path / "tmp", tmp_path / "state"
    tmp.mkdir()
    proc = start(project, "drizzle-kit", secret_url(database_url), state, env={"TMPDIR": str(tmp)})
    wait_for_sleep(database_url, 2, proc)  # drizzle-kit is running on the copy: read it now
    (copy,) = private_copies(tmp)
    seen = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    code, doc, err = finish(proc)
    assert code == 0 and doc["applied"] == TAGS, err
    config = next(data.decode() for path, data in seen.items() if path.name.startswith("drizzle.config."))
    assert "process.env" in config and '"ops"' in config and '"my_migrations"' in config
    assert {p.name for p in seen} >= {"_journal.json", *(f"{tag}.sql" for tag in TAGS)}
    written = [*seen.values(), *(p.read_bytes() for root in (tmp, state, project)
                                 for p in root.rglob("*") if p.is_file() and not p.is_symlink())]
    assert not [data for data in written if SECRET.encode() in data]
    assert private_copies(tmp) == []
    with psycopg.connect(database_url) as conn:  # the generated config carried the project's ledger name
        ledger = conn.execute("select hash from ops.my_migrations order by id").fetchall()
    assert ledger == [(m.hash,) for m in read_journal(project / "drizzle").entries]


@pytest.mark.drizzle
def test_the_private_copy_is_removed_after_a_failure(tmp_path, database_url):
    project = counted_project(tmp_path / "app", database_url)
    (project / "drizzle" / "0002_c.sql").write_bytes(b"INSERT INTO nope VALUES (1);")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = start(project, "drizzle-kit", database_url, tmp_path / "state", env={"TMPDIR": str(tmp)})
    wait_for_sleep(database_url, 2, proc)
    assert len(private_copies(tmp)) == 1  # drizzle-kit is running on the copy
    code, doc, err = finish(proc)
    assert code == 4 and 'relation "nope" does not exist' in doc["error"]["message"], err
    assert private_copies(tmp) == []
    assert ledger_rows(database_url) == [] and runs(database_url) == []


def test_a_tag_outside_the_migrations_folder_is_refused_before_anything_runs(tmp_path, database_url):
    project = sql_project(tmp_path / "app", {"0000_a": b"SELECT 1;"})
    (project / "escaped.sql").write_bytes(b"CREATE TABLE escaped (id int);")
    journal = project / "drizzle" / "meta" / "_journal.json"
    data = json.loads(journal.read_text())
    data["entries"].append({**data["entries"][0], "idx": 1, "when": 2000, "tag": "../escaped"})
    journal.write_text(json.dumps(data))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code, doc, err = finish(start(project, "drizzle-kit", database_url, tmp_path / "state", env={"TMPDIR": str(tmp)}))
    assert code == 3 and doc["applied"] == [], err
    assert err.startswith("neontui: error: journal tag '../escaped' names a file outside the migrations folder")
    assert err.count("\n") == 1 and private_copies(tmp) == [] and ledger_rows(database_url) == []
