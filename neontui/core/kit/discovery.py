"""Running the project's own drizzle-kit as a child process, time-boxed, with the URL it must use injected.

What every run needs, shared by the interactive runner (runner.py) and studio (studio.py): the binary from the
project's node_modules, the environment variable the config reads, and output without colours or secrets.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from neontui.core.db.url import direct_url
from neontui.core.drizzle.project import Project
from neontui.core.errors import ConfigError
from neontui.core.kit.prereqs import detect_package_manager, dev_install_command, find_drizzle_kit
from neontui.core.redact import display_text

SPINNER_REDRAW = "\x1b[2K\x1b[1G"
# Commands whose database work must go to the direct endpoint, never the pooler.
DIRECT_COMMANDS = ("migrate", "push", "pull", "introspect")


def clean_output(raw: str) -> str:
    """What a person would see at the end: each spinner redraw replaces the line, colours removed, redacted."""
    return "\n".join(display_text(line.split(SPINNER_REDRAW)[-1]) for line in raw.replace("\r\n", "\n").split("\n"))


def binary(project: Project) -> Path:
    found = find_drizzle_kit(project.config.root)
    if found is None:
        install = dev_install_command(detect_package_manager(project.config.root), "drizzle-kit")
        raise ConfigError(f"drizzle-kit is not installed in {project.config.root} or its parents",
                          hint=install)
    return found[0]


def url_variable(project: Project) -> str:
    source = project.config.url
    if source is None or not source.env_var:
        raise ConfigError(f"{project.config.path.name} does not read the database URL from an environment "
                          "variable, so neontui cannot hand drizzle-kit the direct endpoint",
                          hint="use dbCredentials: { url: process.env.DATABASE_URL! }")
    return source.env_var


def child_env(project: Project, command: str, url: str | None = None) -> tuple[dict[str, str], str | None]:
    """drizzle-kit's environment: no colours, no update check, and the URL (the direct endpoint for commands that
    work on the database) in the variable the config reads; and why the URL was switched, if it was."""
    env = {**os.environ, "FORCE_COLOR": "0", "NO_UPDATE_NOTIFIER": "1", "TERM": "xterm"}
    switch = None
    url = url if url is not None else project.database_url
    if url:
        if command in DIRECT_COMMANDS:
            url, switch = direct_url(url)
        env[url_variable(project)] = url
    return env, switch


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End a drizzle-kit child and everything it started (node spawns helpers): SIGTERM to its process group, then
    SIGKILL after 3 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
