"""Closing the terminal while the console runs: a hang-up is a normal way to leave. The real `python -m neontui
console` runs under a pseudo-terminal against the real PostgreSQL and gets SIGHUP, as a closed terminal sends it:
exit code 129, no crash report, and none of its database sessions outlive it (a running migration included)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.factories import sql_project
from tests.helpers import wait_until

HANGUP = 128 + signal.SIGHUP  # 129, the README's exit code for "the terminal hung up"
START_TIMEOUT = 60


@dataclass
class Console:
    """`python -m neontui console PROJECT` on a pseudo-terminal; the test reads what it draws."""

    proc: subprocess.Popen[bytes]
    primary: int
    output: bytearray = field(default_factory=bytearray)

    def drain(self) -> None:
        while select.select([self.primary], [], [], 0)[0]:
            try:
                chunk = os.read(self.primary, 65536)
            except OSError:  # EIO: the console closed its side
                return
            if not chunk:
                return
            self.output += chunk

    def shows(self, text: bytes) -> bool:
        self.drain()
        return text in self.output

    def press(self, key: bytes) -> None:
        os.write(self.primary, key)


@pytest.fixture
def console(tmp_path: Path, database_url: str) -> Iterator[Console]:
    def start(project: Path, *, controlling: bool = False) -> Console:
        primary, secondary = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEONTUI_")}
        env.update({"XDG_STATE_HOME": str(tmp_path / "state"), "DATABASE_URL": database_url,
                    "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
        proc = subprocess.Popen([sys.executable, "-m", "neontui", "console", str(project)], stdin=secondary,
                                stdout=secondary, stderr=secondary, env=env, start_new_session=True,
                                preexec_fn=_take_terminal if controlling else None)
        os.close(secondary)
        started.append(Console(proc, primary))
        return started[-1]

    started: list[Console] = []
    yield start  # type: ignore[misc]
    for c in started:
        if c.proc.poll() is None:
            os.killpg(c.proc.pid, signal.SIGKILL)
            c.proc.wait(timeout=10)
        os.close(c.primary)


def _take_terminal() -> None:
    """In the child: make the pseudo-terminal its controlling terminal, so closing it hangs the console up."""
    import fcntl

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def hang_up(c: Console) -> int:
    c.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + START_TIMEOUT
    while c.proc.poll() is None and time.monotonic() < deadline:
        c.drain()  # a full terminal buffer must not block the console's last frame
        time.sleep(0.02)
    return c.proc.wait(timeout=10)


def sessions_of(database_url: str, pid: int | None = None) -> list[tuple[int, str]]:
    """(pid, application_name) of the other sessions on the test's database."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute("select pid, application_name from pg_stat_activity "
                            "where datname = current_database() and pid <> pg_backend_pid()").fetchall()
    return [(p, name) for p, name in rows if pid is None or p != pid]


def crash_reports(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "state").rglob("crash-*"))


def test_hang_up_while_idle_exits_129_without_a_crash_report(console, tmp_path, database_url):
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" integer);'},
                          database_url=database_url)
    c = console(project)
    wait_until(lambda: c.shows(b"0000_init"), START_TIMEOUT, "the console to show the journal")
    assert hang_up(c) == HANGUP, c.output.decode("utf-8", "replace")
    assert crash_reports(tmp_path) == []
    assert b"Traceback" not in c.output
    wait_until(lambda: sessions_of(database_url) == [], 10, "the console's sessions to end")


def test_closing_the_terminal_exits_129_without_a_crash_report(console, tmp_path, database_url):
    """The terminal window closes: the kernel sends SIGHUP and every later write to the terminal fails."""
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" integer);'},
                          database_url=database_url)
    c = console(project, controlling=True)
    wait_until(lambda: c.shows(b"0000_init"), START_TIMEOUT, "the console to show the journal")
    os.close(c.primary)
    c.primary = os.open(os.devnull, os.O_RDONLY)  # for the fixture's close
    for _ in range(3):  # the kernel follows the hang-up with SIGCONT; more of them make a wrong resume likely
        os.kill(c.proc.pid, signal.SIGCONT)
    assert c.proc.wait(timeout=START_TIMEOUT) == HANGUP
    assert crash_reports(tmp_path) == []
    wait_until(lambda: sessions_of(database_url) == [], 10, "the console's sessions to end")


def test_hang_up_during_a_migration_leaves_no_session_or_lock_behind(console, tmp_path, database_url):
    """The migration waits on a lock this test holds; the hang-up ends it, and its session ends with the process
    (the table is free again, the ledger unchanged)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute('CREATE TABLE "users" ("id" integer)')
    project = sql_project(tmp_path / "app", {"0000_email": b'ALTER TABLE "users" ADD COLUMN "email" text;'},
                          database_url=database_url)
    c = console(project)
    wait_until(lambda: c.shows(b"0000_email"), START_TIMEOUT, "the console to load the journal")
    with psycopg.connect(database_url) as holder:
        holder.execute('LOCK TABLE "users" IN ACCESS EXCLUSIVE MODE')  # held until this block ends
        c.press(b"m")
        others = holder.info.backend_pid
        wait_until(lambda: any(name == "neontui migrate" for _, name in sessions_of(database_url, others)),
                   START_TIMEOUT, "the migration to wait on the lock")
        assert hang_up(c) == HANGUP, c.output.decode("utf-8", "replace")
        wait_until(lambda: sessions_of(database_url, holder.info.backend_pid) == [], 10,
                   "the console's sessions to end")
        holder.rollback()
    assert crash_reports(tmp_path) == []
    assert b"Traceback" not in c.output
    with psycopg.connect(database_url, autocommit=True) as conn:  # nothing applied, nothing left locked
        conn.execute("SET lock_timeout = '5s'")
        assert conn.execute('SELECT count(*) FROM "users"').fetchone() == (0,)  # the lock is free
        assert conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' "
                            "ORDER BY ordinal_position").fetchall() == [("id",)]  # the step was rolled back
        assert conn.execute("SELECT to_regclass('drizzle.__drizzle_migrations') IS NULL OR "
                            "(SELECT count(*) FROM drizzle.__drizzle_migrations) = 0").fetchone() == (True,)


def test_ctrl_z_still_suspends_and_a_continue_resumes_the_console(console, tmp_path, database_url):
    """SIGCONT resumes the console after a suspend (it is ignored only when no suspend came before it)."""
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" integer);'},
                          database_url=database_url)
    c = console(project)
    wait_until(lambda: c.shows(b"0000_init"), START_TIMEOUT, "the console to show the journal")
    c.proc.send_signal(signal.SIGTSTP)
    wait_until(lambda: c.shows(b"\x1b[?1049l"), 10, "the console to leave the alternate screen")  # suspended
    c.output.clear()
    c.proc.send_signal(signal.SIGCONT)
    wait_until(lambda: c.shows(b"0000_init"), START_TIMEOUT, "the console to draw again after the resume")
    c.press(b"q")
    assert c.proc.wait(timeout=START_TIMEOUT) == 0
