"""Disposable copies of a database (CREATE DATABASE … TEMPLATE, or pg_dump | pg_restore while the target is busy)
and the pg_dump schema diff, against the real test server with a real pg_dump that matches it."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

import neontui.core.db.copy as copy_module
from neontui.core.db.copy import DUMP_RESTORE, TEMPLATE, disposable_copy, drop_copy, make_copy
from neontui.core.db.pg_client import Deadline, PgClient, client_for
from neontui.core.db.schema_diff import ObjectChange, diff_dumps, dump_schema, normalise, schema_diff
from neontui.core.db.url import parse_url, with_database
from neontui.core.errors import ConnectionFailure, ExitCode, NeontuiError
from tests.helpers import SECRET, free_port, live_processes, secret_url, server_major

SYSTEM_PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture
def target(database_url: str) -> str:
    """A database with a table, data, an index, a view and a function, its URL carrying the test secret."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE widgets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO widgets (name) SELECT 'w' || g FROM generate_series(1, 250) g")
        conn.execute("CREATE INDEX widgets_name ON widgets (name)")
        conn.execute("CREATE VIEW short_widgets AS SELECT id FROM widgets WHERE length(name) < 3")
        conn.execute("CREATE FUNCTION widget_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM widgets; "
                     "$$")
    return secret_url(database_url)


@pytest.fixture
def busy(target: str) -> Iterator[psycopg.Connection]:
    """Another session connected to the target, as an application would be."""
    with psycopg.connect(target, autocommit=True, application_name="the app") as conn:
        yield conn


def contents(url: str) -> tuple[list[tuple[object, ...]], int, int]:
    """What a user would check: the rows, what the function and the view answer."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, name FROM widgets ORDER BY id").fetchall()
        counted = conn.execute("SELECT widget_count()").fetchone()
        short = conn.execute("SELECT count(*) FROM short_widgets").fetchone()
    assert counted is not None and short is not None
    return rows, counted[0], short[0]


def database_exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def rehearsal_databases(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'neontui-rehearsal-%'")]


# --- the two ways to copy ---------------------------------------------------------------------------------------


def test_template_copy_has_the_same_schema_and_data_and_the_target_is_untouched(
    target: str, matching_pg_dump: Path
) -> None:
    before = contents(target)
    with disposable_copy(target) as copy:
        assert copy.strategy == TEMPLATE and copy.name.startswith("neontui-rehearsal-")
        assert copy.name in copy.display_target() and SECRET not in repr(copy) + str(copy.to_json())
        assert contents(copy.url) == before
        assert schema_diff(target, copy.url).is_empty
        with psycopg.connect(copy.url, autocommit=True) as conn:  # the copy is writable and independent
            conn.execute("DELETE FROM widgets WHERE id <= 100")
            conn.execute("DROP VIEW short_widgets")
        assert contents(target) == before
    assert contents(target) == before
    assert not database_exists(target, copy.name)


def test_a_busy_target_is_copied_by_dump_and_restore_with_the_same_result(
    target: str, matching_pg_dump: Path, busy: psycopg.Connection
) -> None:
    before = contents(target)
    with disposable_copy(target) as copy:
        assert copy.strategy == DUMP_RESTORE
        assert "1 other session(s) connected" in copy.why
        assert contents(copy.url) == before
        assert schema_diff(target, copy.url).is_empty
        # The identity column goes on from where the target's was, as it would have after a template copy.
        with psycopg.connect(copy.url, autocommit=True) as conn:
            row = conn.execute("INSERT INTO widgets (name) VALUES ('new') RETURNING id").fetchone()
        assert row == (251,)
    assert contents(target) == before
    assert busy.execute("SELECT 1").fetchone() == (1,)  # the application's session was left alone
    assert not database_exists(target, copy.name)


def test_a_session_arriving_just_before_the_template_copy_falls_back_to_dump_and_restore(
    target: str, matching_pg_dump: Path, busy: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: pg_stat_activity showed nobody, then a session connected before CREATE DATABASE … TEMPLATE ran.
    The count is made to miss the (real, connected) session; the server's own refusal is what is handled."""
    real = copy_module._facts

    def missed_the_session(conn: psycopg.Connection, source: str, name: str, shown: str) -> copy_module._Facts:
        facts = real(conn, source, name, shown)
        assert facts.others == 1  # the session is really there
        return copy_module._Facts(**{**facts.__dict__, "others": 0})

    monkeypatch.setattr(copy_module, "_facts", missed_the_session)
    before = contents(target)
    copy = make_copy(target)
    try:
        assert copy.strategy == DUMP_RESTORE and "just before" in copy.why
        assert contents(copy.url) == before
    finally:
        drop_copy(copy)


# --- always removed -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("the rehearsal failed"), KeyboardInterrupt()])
def test_the_copy_is_removed_when_the_block_fails(target: str, matching_pg_dump: Path,
                                                   error: BaseException) -> None:
    with pytest.raises(type(error)), disposable_copy(target) as copy:
        assert database_exists(target, copy.name)
        raise error
    assert not database_exists(target, copy.name)
    assert rehearsal_databases(target) == []


def test_drop_copy_ends_the_copys_sessions_and_twice_is_fine(target: str, matching_pg_dump: Path,
                                                            busy: psycopg.Connection) -> None:
    copy = make_copy(target, name=f"neontui-rehearsal-test-{uuid.uuid4().hex[:6]}")
    leftover = psycopg.connect(copy.url, autocommit=True)
    try:
        drop_copy(copy)
        assert not database_exists(target, copy.name)
        drop_copy(copy)  # idempotent
    finally:
        leftover.close()
    assert busy.execute("SELECT 1").fetchone() == (1,)  # only the copy's sessions were ended
    assert contents(target)[1] == 250


def test_a_copy_name_that_exists_is_refused_and_left_alone(target: str, matching_pg_dump: Path) -> None:
    name = parse_url(target).dbname  # the target's own name: never a copy
    assert name
    with pytest.raises(NeontuiError, match="not disposable"):
        make_copy(target, name=name)
    copy = make_copy(target)
    try:
        with pytest.raises(NeontuiError, match="exists already") as caught:
            make_copy(target, name=copy.name)
        assert caught.value.exit_code == ExitCode.ERROR
        assert database_exists(target, copy.name)  # the failed second copy did not drop the first
    finally:
        drop_copy(copy)


# --- schema diff ------------------------------------------------------------------------------------------------


def test_schema_diff_shows_exactly_an_added_column(target: str, matching_pg_dump: Path) -> None:
    with disposable_copy(target) as copy:
        with psycopg.connect(copy.url, autocommit=True) as conn:
            conn.execute("ALTER TABLE widgets ADD COLUMN colour text")
        diff = schema_diff(target, copy.url)
    assert diff.changes == (ObjectChange("TABLE", "public", "widgets", "changed"),)
    assert diff.summary() == {"TABLE": {"added": 0, "removed": 0, "changed": 1}}
    changed = [line for line in diff.text.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["-    name text NOT NULL", "+    name text NOT NULL,", "+    colour text"]
    assert diff.summary_line() == "1 changed: changed TABLE public.widgets"
    assert SECRET not in diff.text + diff.a + diff.b + str(diff.to_json())


def test_two_dumps_of_one_schema_differ_only_in_normalised_lines(target: str, matching_pg_dump: Path) -> None:
    client = client_for(server_major(target) * 10000, "test")
    first = dump_schema(target, client, Deadline(120, "dump"))
    second = dump_schema(target, client, Deadline(120, "dump"))
    if any(line.startswith("\\restrict ") for line in first.splitlines()):
        assert first != second  # pg_dump 17.6+/18 prints a fresh random token each run
    assert normalise(first) == normalise(second)
    assert diff_dumps(first, second, "a", "b").is_empty
    assert not any(line.startswith(("--", "SET ", "\\")) or not line for line in normalise(first))
    assert "CREATE TABLE public.widgets (" in normalise(first)


# --- one clear line ---------------------------------------------------------------------------------------------


@pytest.fixture
def role_without_createdb(target: str) -> Iterator[str]:
    """The target's URL, logged in as a role that may connect but not create databases."""
    name = f"neontui_r_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(target, autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(SECRET)))
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's role may not CREATE ROLE")
    sep = "&" if "?" in target else "?"
    yield f"{target}{sep}user={quote(name, safe='')}&password={quote(SECRET, safe='')}"
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_role_without_createdb_gets_one_line_with_the_fix(role_without_createdb: str, target: str) -> None:
    with pytest.raises(NeontuiError) as caught:
        make_copy(role_without_createdb)
    line = caught.value.one_line()
    assert caught.value.exit_code == ExitCode.ERROR
    assert "\n" not in line and SECRET not in line
    assert "may not create databases, and a disposable copy of " in line
    assert 'ALTER ROLE "neontui_r_' in line and "CREATEDB;" in line
    assert rehearsal_databases(target) == []


def old_pg_dump(tmp_path: Path, major: int) -> Path:
    """A real pg_dump older than the server when the machine has one (the system's PostgreSQL 15), else a script
    that reports an old version the way pg_dump does."""
    system = SYSTEM_PG_BIN / "pg_dump"
    if system.is_file():
        out = subprocess.run([system, "--version"], capture_output=True, text=True, timeout=30).stdout
        if int(out.split(") ", 1)[1].split(".")[0]) < major:
            return SYSTEM_PG_BIN
    bin_dir = tmp_path / "old-bin"
    bin_dir.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        script = bin_dir / tool
        script.write_text(f'#!/bin/sh\necho "{tool} (PostgreSQL) {major - 3}.2"\nexit 0\n')
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def test_a_pg_dump_older_than_the_server_gets_the_version_error(
    target: str, busy: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    major = server_major(target)
    directory = old_pg_dump(tmp_path, major)
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ.get('PATH', '')}")
    for attempt in (lambda: make_copy(target), lambda: schema_diff(target, target)):
        with pytest.raises(NeontuiError) as caught:
            attempt()
        line = caught.value.one_line()
        assert "\n" not in line and SECRET not in line
        assert f"needs pg_dump {major} or newer" in line
        assert f"postgresql-client-{major}" in line and "first on PATH" in line
    assert rehearsal_databases(target) == []  # refused before anything was created


def test_pg_dumps_own_version_refusal_reads_the_same(target: str, busy: psycopg.Connection) -> None:
    """The real old pg_dump's own refusal (what restore.schema_dump and a dump that skipped the check see)."""
    major = server_major(target)
    system = SYSTEM_PG_BIN / "pg_dump"
    if not system.is_file():
        pytest.skip("no system pg_dump")
    client = PgClient(pg_dump=system, pg_restore=None, version="15")
    try:
        dump_schema(target, client, Deadline(60, "dump"))
    except NeontuiError as exc:
        line = exc.one_line()
    else:
        pytest.skip("the system pg_dump can dump the test server")
    assert f"needs pg_dump {major} or newer" in line and "server version mismatch" in line
    assert f"postgresql-client-{major}" in line and SECRET not in line


def test_missing_pg_dump_is_one_line(target: str, busy: psycopg.Connection, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder
    assert shutil.which("pg_dump") is None
    with pytest.raises(NeontuiError, match="pg_dump is not installed") as caught:
        make_copy(target)
    assert "install the PostgreSQL" in caught.value.one_line()
    assert rehearsal_databases(target) == []


def test_an_unreachable_server_is_one_line() -> None:
    url = f"postgresql://app:{quote(SECRET)}@127.0.0.1:{free_port()}/appdb"
    for attempt in (lambda: make_copy(url, deadline=10), lambda: schema_diff(url, url, deadline=10)):
        with pytest.raises(ConnectionFailure) as caught:
            attempt()
        assert caught.value.kind == "refused" and caught.value.exit_code == ExitCode.ERROR
        assert SECRET not in caught.value.one_line()


# --- a role like an application's owner, and failures half-way --------------------------------------------------


@pytest.fixture
def owner_target(target: str) -> Iterator[str]:
    """A database created and owned by a login role with CREATEDB but not superuser (Neon's neondb_owner is one),
    with the target's objects restored into it by that role; its URL."""
    name = f"neontui_o_{uuid.uuid4().hex[:10]}"
    dbname = f"{name}_db"
    with psycopg.connect(target, autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(SECRET)))
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's role may not CREATE ROLE")
    sep = "&" if "?" in target else "?"
    as_owner = f"{target}{sep}user={quote(name, safe='')}&password={quote(SECRET, safe='')}"
    with psycopg.connect(as_owner, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    url = with_database(as_owner, dbname)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE widgets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO widgets (name) SELECT 'w' || g FROM generate_series(1, 50) g")
        conn.execute("CREATE VIEW short_widgets AS SELECT id FROM widgets WHERE length(name) < 3")
        conn.execute("CREATE FUNCTION widget_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM widgets $$")
    yield url
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_an_owner_role_without_superuser_gets_both_kinds_of_copy(owner_target: str, matching_pg_dump: Path) -> None:
    before = contents(owner_target)
    with disposable_copy(owner_target) as copy:
        assert copy.strategy == TEMPLATE and contents(copy.url) == before
    with psycopg.connect(owner_target, autocommit=True), disposable_copy(owner_target) as copy:
        assert copy.strategy == DUMP_RESTORE and contents(copy.url) == before
        assert schema_diff(owner_target, copy.url).is_empty
    assert rehearsal_databases(owner_target) == []


def pipe_with_fake_restore(tmp_path: Path, matching_pg_dump: Path, body: str) -> Path:
    """A PATH folder with the real pg_dump and a pg_restore script (`body`) next to it."""
    bin_dir = tmp_path / "pipe-bin"
    bin_dir.mkdir()
    (bin_dir / "pg_dump").symlink_to(matching_pg_dump / "pg_dump")
    script = bin_dir / "pg_restore"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def test_a_failed_restore_is_one_line_and_leaves_no_copy(
    target: str, matching_pg_dump: Path, busy: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = pipe_with_fake_restore(tmp_path, matching_pg_dump, "cat > /dev/null\n"
                                     'echo "pg_restore: error: could not execute query: boom" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(NeontuiError) as caught:
        make_copy(target)
    assert caught.value.one_line() == "pg_restore into the copy failed (exit 1): could not execute query: boom"
    assert rehearsal_databases(target) == []


def test_ctrl_c_during_dump_and_restore_stops_both_tools_and_leaves_no_copy(
    target: str, matching_pg_dump: Path, busy: psycopg.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_restore sends this process SIGINT (what Ctrl-C in the terminal does) and then hangs."""
    bin_dir = pipe_with_fake_restore(tmp_path, matching_pg_dump, 'kill -INT "$PPID"\nexec sleep 300\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(KeyboardInterrupt):
        make_copy(target)
    assert rehearsal_databases(target) == []
    assert live_processes(lambda argv: str(bin_dir) in " ".join(argv) or argv[:2] == ["sleep", "300"]) == []


def test_before_postgresql_13_the_copys_sessions_are_ended_then_it_is_dropped(target: str,
                                                                              matching_pg_dump: Path) -> None:
    """DROP DATABASE has no FORCE before 13: the same copy, treated as on a 12 server, takes the other path."""
    copy = dataclasses.replace(make_copy(target), server_version_num=120000)
    leftover = psycopg.connect(copy.url, autocommit=True)
    try:
        drop_copy(copy)
        assert not database_exists(target, copy.name)
        drop_copy(copy)
    finally:
        leftover.close()
