"""`neontui demo` installs the sample's drizzle-kit from its committed lockfile (`npm ci`) when npm is there, so
generate works on the first run; `--no-install` runs no npm; without npm it says so in one line and the console
still opens, with the newcomer's first steps in its log."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from neontui.core.actions.demo import first_steps
from tests.db.cli.test_hangup import START_TIMEOUT, Console, hang_up
from tests.helpers import neontui, wait_until

INSTALL_NOTE = "installing the sample's drizzle-kit, drizzle-orm and pg (npm ci)…"


@pytest.mark.drizzle
def test_demo_installs_drizzle_kit_and_generate_works_on_the_first_run(tmp_path: Path) -> None:
    """A real `npm ci` of the sample's lockfile (the same pinned versions as tests/drizzle_fixture, so npm's cache
    serves it: ~4 s here); a second demo keeps the installed node_modules and runs no npm."""
    demo = tmp_path / "demo"
    shown = neontui("demo", "--dir", str(demo), "--json", timeout=400)
    assert shown.returncode == 0, shown.stderr
    assert INSTALL_NOTE in shown.stderr and "note:" not in shown.stderr, shown.stderr
    project = demo / "project"
    assert json.loads(shown.stdout)["migrations"][-1]["state"] == "pending"
    schema = project / "src" / "db" / "schema.ts"
    schema.write_text(schema.read_text().replace("});", "  nickname: text('nickname'),\n});", 1))
    generated = neontui("generate", str(project), "--name", "nickname")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "created 0004_nickname" in generated.stdout and 'ADD COLUMN "nickname" text' in generated.stdout

    again = neontui("demo", "--dir", str(demo), "--json")
    assert again.returncode == 0 and "drizzle-kit already installed from the sample's lockfile" in again.stderr
    assert (project / "node_modules" / ".bin" / "drizzle-kit").exists()
    assert not (project / "drizzle" / "0004_nickname.sql").exists()  # the sample itself was recreated


def test_no_install_runs_no_npm(tmp_path: Path) -> None:
    shown = neontui("demo", "--dir", str(tmp_path / "demo"), "--json", "--no-install")
    assert shown.returncode == 0, shown.stderr
    assert "npm" not in shown.stderr
    assert not (tmp_path / "demo" / "project" / "node_modules").exists()


def test_without_npm_one_line_says_why_and_the_console_still_opens(tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEONTUI_") and k != "DATABASE_URL"}
    env.update({"PATH": str(empty), "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "xterm-256color",
                "COLUMNS": "120", "LINES": "40"})
    proc = subprocess.Popen([sys.executable, "-m", "neontui", "demo", "--dir", str(tmp_path / "demo")],
                            stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True)
    os.close(secondary)
    console = Console(proc, primary)
    try:
        wait_until(lambda: console.shows(b"0003_billing_email"), START_TIMEOUT, "the demo's console")
        wait_until(lambda: console.shows(b"Things to try"), START_TIMEOUT, "the first steps in the log")
        text = console.output.decode("utf-8", "replace")
        notes = [line for line in text.splitlines() if "npm is not on PATH" in line]
        assert len(notes) == 1, text[:2000]
        assert "note: npm is not on PATH, so the sample's drizzle-kit was not installed: generate, push and " \
               "studio need it" in notes[0]
        assert hang_up(console) == 128 + signal.SIGHUP
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        os.close(primary)


def test_the_first_steps_name_the_schema_file_and_the_keys(tmp_path: Path) -> None:
    steps = "\n".join(first_steps(tmp_path / "project"))
    assert str(tmp_path / "project" / "src" / "db" / "schema.ts") in steps
    assert all(key in steps for key in ("press g", "rename question", "press d", "press m", "? for every key"))
