"""drizzle-kit studio as a managed child: the real drizzle-kit, a real PostgreSQL, real ports."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from neontui.core.drizzle.project import Project, load_project
from neontui.core.errors import ConfigError
from neontui.core.kit import studio as studio_module
from neontui.core.kit.studio import STUDIO_URL, Studio, StudioError, group_members
from tests.drizzle_project import CONFIG, write_project
from tests.helpers import REPO_ROOT, SECRET, free_port, live_processes, secret_url, wait_until

pytestmark = pytest.mark.drizzle

SCHEMA = ("import { pgTable, serial, text } from 'drizzle-orm/pg-core';\n"
          "export const notes = pgTable('notes', { id: serial('id').primaryKey(), body: text('body') });\n")
# Configs that misbehave on purpose, written over drizzle.config.ts after the Project was loaded from the normal one.
LOGS_URL = "console.log('connecting to ' + process.env.DATABASE_URL);\n"
HANGS = LOGS_URL + "const until = Date.now() + 60000; while (Date.now() < until) {}\n"
THROWS = "throw new Error('cannot use ' + process.env.DATABASE_URL);\n"


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as node binds: TIME_WAIT leftovers are fine
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def studio_processes(port: int) -> list[int]:
    """Pids of live drizzle-kit studio processes started for `port` (however they were started)."""
    return live_processes(lambda argv: "studio" in argv and str(port) in argv)


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Project:
    root = write_project(tmp_path / "project")
    (root / "schema.ts").write_text(SCHEMA)
    return load_project(config=root, url=database_url, environ={})


@pytest.fixture
def studios() -> Iterator[list[Studio]]:
    """Studios a test started; stopped afterwards even if the test failed halfway."""
    started: list[Studio] = []
    yield started
    for studio in started:
        studio.stop(timeout=3)


def post_init(port: int) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b'{"type":"init"}', method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/json")
        return json.loads(response.read())


def test_start_serves_the_api_and_stop_leaves_nothing(project: Project, studios: list[Studio]) -> None:
    port = free_port()
    studio = Studio(project, port=port, startup_timeout=30)
    studios.append(studio)
    info = studio.start()
    assert (info.host, info.port) == ("127.0.0.1", port)
    assert info.url == f"{STUDIO_URL}?port={port}"
    assert studio.running and info.pid > 0
    assert studio.start() is info  # already running: same studio
    assert any("is up and running on" in line for line in studio.output)

    init = post_init(port)
    assert init["dialect"] == "postgresql"
    assert any("pgTable('notes'" in f["content"] for f in init["schemaFiles"])

    code = studio.stop()
    assert code in (143, -15)
    assert not studio.running
    assert group_members(info.pid) == []
    # os.killpg(pgid, 0) agrees once init has reaped node's orphaned children (zombies in between)
    wait_until(lambda: not studio_processes(port), 5, "studio's processes to end")
    assert port_is_free(port)


@contextlib.contextmanager
def busy_port() -> Iterator[int]:
    """A loopback port something else listens on, for as long as the block runs."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_busy_port_is_refused_before_starting(project: Project, studios: list[Studio]) -> None:
    with busy_port() as port:
        studio = Studio(project, port=port, startup_timeout=30)
        studios.append(studio)
        with pytest.raises(StudioError) as caught:
            studio.start()
    assert caught.value.one_line() == f"port {port} on 127.0.0.1 is busy (another drizzle studio?): pass --port N"
    assert not studio.running and studio.output == []  # nothing was spawned
    assert studio.stop() is None
    assert studio_processes(port) == []


def test_child_dying_of_eaddrinuse_gets_the_same_message(project: Project, studios: list[Studio],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Someone takes the port between our check and node's listen(): only the child's stack tells.
    monkeypatch.setattr(studio_module, "_port_busy", lambda host, port: False)
    with busy_port() as port:
        studio = Studio(project, port=port, startup_timeout=30)
        studios.append(studio)
        with pytest.raises(StudioError) as caught:
            studio.start()
    assert caught.value.one_line() == f"port {port} on 127.0.0.1 is busy (another drizzle studio?): pass --port N"
    assert any("EADDRINUSE" in line for line in studio.output)
    assert not studio.running
    assert studio.stop() == 1
    assert studio_processes(port) == []


def test_with_block_stops_and_stop_is_idempotent(project: Project, studios: list[Studio]) -> None:
    port = free_port()
    with Studio(project, port=port, startup_timeout=30) as studio:
        studios.append(studio)
        assert studio.running
        assert studio.info is not None
        pid = studio.info.pid
        assert post_init(port)["dialect"] == "postgresql"
    assert not studio.running
    assert group_members(pid) == []
    first = studio.stop()
    assert first in (143, -15)
    assert studio.stop() == first
    assert port_is_free(port)


FORGETFUL = """
import sys
from neontui.core.drizzle.project import load_project
from neontui.core.kit.studio import Studio
studio = Studio(load_project(config=sys.argv[1], url=sys.argv[2], environ={}), port=int(sys.argv[3]))
print(studio.start().pid, flush=True)
raise SystemExit(0)  # no stop(): the atexit hook must do it
"""


def test_atexit_stops_a_studio_the_program_forgot(project: Project, database_url: str) -> None:
    port = free_port()
    result = subprocess.run([sys.executable, "-c", FORGETFUL, str(project.config.path), database_url, str(port)],
                            capture_output=True, text=True, timeout=30, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.strip())
    assert group_members(pid) == []
    assert studio_processes(port) == []
    assert port_is_free(port)


def test_password_never_in_output(project: Project, studios: list[Studio], database_url: str) -> None:
    (project.config.path).write_text(LOGS_URL + CONFIG % "")
    port = free_port()
    studio = Studio(project, port=port, url=secret_url(database_url), startup_timeout=30)
    studios.append(studio)
    studio.start()
    assert post_init(port)["dialect"] == "postgresql"  # the trust socket ignores the password
    logged = [line for line in studio.output if line.startswith("connecting to")]
    assert logged and "****" in logged[0]
    assert not any(SECRET in line for line in studio.output)
    studio.stop()


def test_exit_before_ready_reports_the_reason_without_the_password(project: Project, studios: list[Studio],
                                                                    database_url: str) -> None:
    (project.config.path).write_text(THROWS + CONFIG % "")
    port = free_port()
    studio = Studio(project, port=port, url=secret_url(database_url), startup_timeout=30)
    studios.append(studio)
    with pytest.raises(StudioError) as caught:
        studio.start()
    message = caught.value.one_line()
    assert message.startswith("drizzle studio exited with code ")
    assert "cannot use postgresql://" in message and "****" in message
    assert SECRET not in message
    assert not any(SECRET in line for line in studio.output)
    assert not studio.running and studio_processes(port) == []


def test_startup_timeout_kills_the_group(project: Project, studios: list[Studio], database_url: str) -> None:
    (project.config.path).write_text(HANGS + CONFIG % "")
    port = free_port()
    studio = Studio(project, port=port, url=secret_url(database_url), startup_timeout=3)
    studios.append(studio)
    started = time.monotonic()
    with pytest.raises(StudioError) as caught:
        studio.start()
    assert time.monotonic() - started < 10
    message = caught.value.one_line()
    assert message.startswith("drizzle studio was not ready within 3 s and was stopped; last output:")
    assert "connecting to postgresql://" in message and SECRET not in message
    assert not studio.running and studio_processes(port) == []


def test_drizzle_kit_absent(tmp_path: Path, database_url: str) -> None:
    root = tmp_path / "bare"
    root.mkdir()
    (root / "drizzle.config.ts").write_text(CONFIG % "")
    (root / "schema.ts").write_text(SCHEMA)
    project = load_project(config=root, url=database_url, environ={})
    studio = Studio(project, port=free_port())
    with pytest.raises(ConfigError) as caught:
        studio.start()
    assert "drizzle-kit is not installed" in caught.value.message
    assert caught.value.hint is not None and "drizzle-kit" in caught.value.hint
    assert not studio.running
