"""The append-only JSON Lines audit log: record contents, no secrets, whole lines under concurrency, tolerant reads."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neontui.core.actions import audit
from neontui.core.actions.audit import AuditLog, AuditRecord, build_record, format_records, git_state, serialize
from neontui.core.drizzle.journal import Migration, drizzle_hash
from neontui.core.gate.checklist import Checklist
from neontui.core.gate.environment import Environment
from neontui.core.gate.settings import Settings
from neontui.core.migrate.restore import RestorePoint
from neontui.core.safety.model import DangerClass
from tests.factories import finding

PASSWORD = "S3cret-pw-123"
URL = f"postgresql://app:{PASSWORD}@127.0.0.1:5432/app"
NEON_URL = f"postgresql://app:{PASSWORD}@ep-cool-darkness-a5b6c7d8-pooler.us-east-2.aws.neon.tech/neondb"
PROD = Environment("production", True, "unknown remote target: treated as production; configure it in neontui.toml")


def migration(position: int, tag: str, sql: bytes = b"SELECT 1;") -> Migration:
    return Migration(position, position, tag, 1000 * (position + 1), True, "7", Path(f"/x/{tag}.sql"), sql)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main", *args],
        cwd=root, capture_output=True, text=True, check=True, timeout=30,
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "drizzle.config.ts").write_text("export default {}\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    return root


# --- building a record ---------------------------------------------------------------------------------------------


def test_full_record(repo: Path) -> None:
    migrations = [migration(0, "0000_init"), migration(1, "0001_drop", b"DROP TABLE x;")]
    findings = [finding("drop-table", DangerClass.DATA_LOSS, tag="0001_drop", statement=0),
                finding("create-index-non-concurrent", DangerClass.BLOCKING_LOCK, tag="0001_drop", statement=1)]
    checklist = Checklist("key", findings)
    checklist.check("reviewed", by="alice")
    checklist.check("ack-data-loss", by="alice")
    point = RestorePoint("2026-11-21T06:00:00.123456Z", "0/1A2B3C8", "neondb", "ep-cool-darkness-a5b6c7d8")

    record = build_record(
        "migrate", project_root=repo, url=NEON_URL, environment=PROD, migrations=migrations, checklist=checklist,
        restore_point=point, result="ok", duration_s=1.23456, details={"applied": ["0000_init", "0001_drop"]},
    )
    data = record.to_json()
    assert list(data) == ["time", "action", "user", "hostname", "git", "target", "environment", "migrations",
                          "checklist", "acknowledged", "restore_point", "result", "duration_s", "error", "details"]
    assert data["action"] == "migrate" and data["result"] == "ok" and data["duration_s"] == 1.235
    assert data["time"].endswith("+00:00")
    assert data["user"] and data["hostname"]
    assert data["git"] == {"branch": "main", "commit": git(repo, "rev-parse", "HEAD"), "dirty": False}
    assert data["target"] == {
        "host": "ep-cool-darkness-a5b6c7d8-pooler.us-east-2.aws.neon.tech", "port": None, "database": "neondb",
        "neon": True, "endpoint_id": "ep-cool-darkness-a5b6c7d8", "pooled": True,
    }
    assert data["environment"] == {"name": "production", "production": True, "reason": PROD.reason}
    assert data["migrations"] == [
        {"tag": "0000_init", "hash": drizzle_hash(b"SELECT 1;")},
        {"tag": "0001_drop", "hash": drizzle_hash(b"DROP TABLE x;")},
    ]
    checks = checklist.checks
    assert data["checklist"] == {
        "done": 2, "total": 7,
        "checked": [{"id": "reviewed", "by": "alice", "at": checks["reviewed"].at},
                    {"id": "ack-data-loss", "by": "alice", "at": checks["ack-data-loss"].at}],
    }
    assert data["acknowledged"] == ["drop-table@0001_drop#0"]  # the blocking-lock item is not checked
    assert data["restore_point"] == point.to_json()
    assert data["error"] is None and data["details"] == {"applied": ["0000_init", "0001_drop"]}


def test_minimal_record_without_url_or_environment(tmp_path: Path) -> None:
    data = build_record("generate", project_root=tmp_path, url=None, environment=None, result="ok").to_json()
    assert data["target"] is None and data["environment"] is None and data["checklist"] is None
    assert data["migrations"] == [] and data["acknowledged"] == [] and data["restore_point"] is None
    assert data["duration_s"] is None and data["details"] == {}


def test_unreadable_url_does_not_lose_the_record(tmp_path: Path) -> None:
    data = build_record("migrate", project_root=tmp_path, url="mysql://x", environment=None, result="failed")
    assert data.target == {"host": None, "port": None, "database": None, "neon": False, "endpoint_id": None,
                           "pooled": False, "unreadable": True}


def test_error_is_one_line(tmp_path: Path) -> None:
    record = build_record("migrate", project_root=tmp_path, url=None, environment=None, result="failed",
                          error="relation \"x\" does not exist\n  LINE 1: SELECT\t* FROM x")
    assert record.error == 'relation "x" does not exist LINE 1: SELECT * FROM x'


# --- git -----------------------------------------------------------------------------------------------------------


def test_git_dirty_and_untracked(repo: Path) -> None:
    (repo / "drizzle").mkdir()
    (repo / "drizzle" / "0001_new.sql").write_text("SELECT 1;")  # a generated migration not committed yet
    assert git_state(repo)["dirty"] is True
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "more")
    assert git_state(repo / "drizzle")["dirty"] is False  # from a subdirectory: the same repository


def test_git_detached_head_and_no_commit(repo: Path, tmp_path: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "--detach")
    assert git_state(repo) == {"branch": None, "commit": commit, "dirty": False}
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    git(fresh, "init", "-q")
    assert git_state(fresh) == {"branch": "main", "commit": None, "dirty": False}


def test_git_not_a_repository_or_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # do not find a repository above tmp
    lone = tmp_path / "lone"
    lone.mkdir()
    unknown = {"branch": None, "commit": None, "dirty": None}
    assert git_state(lone) == unknown
    assert git_state(tmp_path / "does-not-exist") == unknown
    monkeypatch.setenv("PATH", str(lone))  # no git at all
    assert git_state(lone) == unknown


def test_git_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def slow(*args: object, **kwargs: object) -> None:
        seen.update(kwargs)
        raise subprocess.TimeoutExpired("git", kwargs["timeout"])  # type: ignore[arg-type]

    monkeypatch.setattr(audit.subprocess, "run", slow)
    assert git_state(tmp_path) == {"branch": None, "commit": None, "dirty": None}
    assert seen["timeout"] == 5.0


# --- never a secret ------------------------------------------------------------------------------------------------


def test_no_password_anywhere_in_the_file(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for url in (URL, NEON_URL):
        log.append(build_record(
            "migrate", project_root=tmp_path, url=url, environment=PROD, result="failed",
            error=f"could not connect to {url}: password authentication failed",
            details={"url": url, "note": f"PGPASSWORD={PASSWORD}", url: "as a key", "nested": [{"again": url}],
                     "path": tmp_path / PASSWORD},
        ))
    raw = log.path.read_bytes()
    assert PASSWORD.encode() not in raw
    records = log.read()
    assert len(records) == 2 and log.skipped == 0
    assert records[0]["details"]["note"] == "PGPASSWORD=****"  # masked, and the JSON string stays intact
    assert records[0]["details"]["url"] == "postgresql://app:****@127.0.0.1:5432/app"
    assert records[1]["details"]["nested"] == [{"again": NEON_URL.replace(PASSWORD, "****")}]
    assert records[0]["error"] == "could not connect to postgresql://app:****@127.0.0.1:5432/app: password " \
        "authentication failed"
    assert records[0]["target"]["host"] == "127.0.0.1" and records[0]["target"]["port"] == 5432
    out = io.StringIO()
    format_records(records, out)
    assert PASSWORD not in out.getvalue()


def test_a_secret_pattern_spanning_two_values_withholds_the_record(tmp_path: Path) -> None:
    record = build_record("migrate", project_root=tmp_path, url=None, environment=None, result="ok",
                          details={"a": "postgresql://u:", "b": ["hidden@host"]})
    line = serialize(record)
    data = json.loads(line)  # still one valid JSON object
    assert line.endswith("\n") and line.count("\n") == 1
    assert data["action"] == "migrate" and "withheld" in data["error"]
    assert "hidden" not in line


# --- the file ------------------------------------------------------------------------------------------------------


def test_append_creates_dirs_and_never_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = AuditLog(tmp_path / "a" / "b" / "audit.jsonl")
    writes: list[int] = []
    fsyncs: list[int] = []
    real_write, real_fsync = os.write, os.fsync
    monkeypatch.setattr(audit.os, "write", lambda fd, data: writes.append(len(data)) or real_write(fd, data))
    monkeypatch.setattr(audit.os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    first = build_record("dry-run", project_root=tmp_path, url=URL, environment=None, result="dry-run")
    log.append(first)
    before = log.path.read_bytes()
    log.append(build_record("migrate", project_root=tmp_path, url=URL, environment=None, result="ok"))
    after = log.path.read_bytes()
    assert after.startswith(before) and before.count(b"\n") == 1 and after.count(b"\n") == 2
    assert len(writes) == 2 and writes[0] == len(before)  # one write of the whole line per record
    assert len(fsyncs) == 3  # each line, and the directory once when the file was created
    assert [r["action"] for r in log.read()] == ["dry-run", "migrate"]


def test_append_after_a_torn_line_starts_a_new_line(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.path.write_text('{"time": "2026-01-01", "action": "migr')  # a writer died mid-line
    log.append(build_record("migrate", project_root=tmp_path, url=None, environment=None, result="ok"))
    records = log.read()
    assert [r["action"] for r in records] == ["migrate"] and log.skipped == 1


def test_append_error_is_an_audit_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    log = AuditLog(tmp_path / "file" / "audit.jsonl")  # parent is a file
    with pytest.raises(audit.AuditError, match="cannot open the audit log"):
        log.append(build_record("x", project_root=tmp_path, url=None, environment=None, result="ok"))


def test_read_skips_and_counts_corrupt_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    good = [json.dumps({"action": f"a{i}"}) for i in range(5)]
    log.path.write_bytes("\n".join([
        good[0], "not json", good[1], "", "[1, 2]", good[2], '{"truncated": ', good[3],
    ]).encode() + b"\n\xff\xfe garbage\n" + good[4].encode() + b"\n")
    assert [r["action"] for r in log.read()] == ["a0", "a1", "a2", "a3", "a4"]
    assert log.skipped == 4
    assert [r["action"] for r in log.read(limit=2)] == ["a3", "a4"]
    assert log.read(limit=0) == []


def test_read_missing_file_is_empty(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "none.jsonl")
    assert log.read() == [] and log.skipped == 0


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    # Records far larger than PIPE_BUF (4 KiB), so only O_APPEND + one write per line keeps them whole.
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from neontui.core.actions.audit import AuditLog, build_record
        log = AuditLog(Path({str(path)!r}))
        me = sys.argv[1]
        for i in range(40):
            log.append(build_record("migrate", project_root=Path({str(tmp_path)!r}), url=None, environment=None,
                                    result="ok", details={{"writer": me, "i": i, "pad": me * 20000}}))
    """)
    env = {**os.environ, "PATH": ""}  # no git: keeps each record cheap
    procs = [subprocess.Popen([sys.executable, "-c", code, str(n)], env=env) for n in range(6)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    log = AuditLog(path)
    records = log.read()
    assert log.skipped == 0 and len(records) == 240
    for writer in map(str, range(6)):
        mine = [r["details"]["i"] for r in records if r["details"]["writer"] == writer]
        assert mine == list(range(40))  # each writer's lines whole and in its order


def test_for_project_paths(tmp_path: Path) -> None:
    assert AuditLog.for_project(tmp_path, Settings()).path == tmp_path / ".neontui" / "audit.jsonl"
    assert AuditLog.for_project(tmp_path, Settings(audit_log="logs/a.jsonl")).path == tmp_path / "logs" / "a.jsonl"
    absolute = tmp_path / "elsewhere" / "a.jsonl"
    assert AuditLog.for_project(tmp_path / "p", Settings(audit_log=str(absolute))).path == absolute


# --- display -------------------------------------------------------------------------------------------------------


def test_format_records_table(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(build_record(
        "migrate", project_root=tmp_path, url=NEON_URL, environment=PROD,
        migrations=[migration(0, "0000_init"), migration(1, "0001_b"), migration(2, "0002_c")],
        result="failed", duration_s=83.2, error=f"boom at {URL}",
    ))
    log.append(build_record("dry-run", project_root=tmp_path, url=URL,
                            environment=Environment("development", False, "localhost target"),
                            migrations=[migration(0, "0000_init")], result="dry-run", duration_s=0.42))
    out = io.StringIO()
    format_records(log.read(), out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["TIME", "ACTION", "USER", "TARGET", "ENV", "MIGRATIONS", "RESULT", "DURATION"]
    assert "migrate" in lines[1] and "ep-cool-darkness-a5b6c7d8/neondb (pooled)" in lines[1]
    assert "production" in lines[1] and "3: 0000_init … 0002_c" in lines[1] and "failed" in lines[1]
    assert lines[1].rstrip().endswith("1 min 23 s")
    assert lines[2] == "    error: boom at postgresql://app:****@127.0.0.1:5432/app"
    assert "127.0.0.1/app" in lines[3] and "1: 0000_init" in lines[3] and lines[3].rstrip().endswith("0.4 s")
    assert "development" in lines[3]
    assert len(lines) == 4
    # Columns line up: every row starts its ACTION cell at the same offset.
    assert lines[1].index("migrate") == lines[3].index("dry-run") == lines[0].index("ACTION")


def test_format_records_tolerates_odd_records() -> None:
    out = io.StringIO()
    format_records([{}, {"time": "yesterday", "migrations": "x", "duration_s": "1", "target": 3},
                    {"environment": {"name": "prod-eu", "production": True}}], out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4 and "yesterday" in lines[2] and "prod-eu (prod)" in lines[3]
    empty = io.StringIO()
    format_records([], empty)
    assert empty.getvalue() == "no audit records\n"


def test_record_is_a_dataclass_with_to_json(tmp_path: Path) -> None:
    record = build_record("push", project_root=tmp_path, url=None, environment=None, result="refused")
    assert isinstance(record, AuditRecord)
    assert json.loads(serialize(record)) == json.loads(json.dumps(record.to_json()))
