"""Running the project's own drizzle-kit as a child process, time-boxed, with the URL it must use injected.

The interactive runner (pseudo-terminal, streamed events, prompts) builds on this; here is what every run needs:
the binary from the project's node_modules, the working directory and the environment variable the config
reads, a timeout that kills the whole process group, and output without colours or secrets.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from neontui.core.errors import ConfigError, NeontuiError
from neontui.core.prereqs import detect_package_manager, dev_install_command, find_drizzle_kit
from neontui.core.project import Project
from neontui.core.redact import redact

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
SPINNER_REDRAW = "\x1b[2K\x1b[1G"


@dataclass(frozen=True)
class KitRun:
    argv: tuple[str, ...]
    returncode: int
    output: str  # stdout and stderr, spinner redraws collapsed, ANSI stripped, redacted

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def clean_output(raw: str) -> str:
    """What a person would see at the end: each spinner redraw replaces the line, colours removed, redacted."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        line = line.split(SPINNER_REDRAW)[-1]
        lines.append(ANSI.sub("", line))
    return redact("\n".join(lines))


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


def run(project: Project, *args: str, url: str | None = None, timeout: float = 600) -> KitRun:
    """`drizzle-kit ARGS --config CONFIG` in the project root; `url` goes in the variable the config reads."""
    argv = (str(binary(project)), *args, "--config", str(project.config.path))
    env = {**os.environ, "FORCE_COLOR": "0", "NO_UPDATE_NOTIFIER": "1"}
    if url is not None:
        env[url_variable(project)] = url
    try:
        proc = subprocess.Popen(argv, cwd=project.config.root, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise NeontuiError(f"cannot start drizzle-kit: {exc.strerror}") from None
    try:
        raw, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # node may have children of its own
        proc.communicate()
        raise NeontuiError(f"drizzle-kit {' '.join(args)} did not finish within {timeout:.0f} s and was "
                           "stopped") from None
    return KitRun(argv, proc.returncode, clean_output(raw.decode("utf-8", "replace")))
