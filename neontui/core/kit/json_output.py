"""drizzle-kit 1.0's machine interface: one command with `--output json`, its envelope parsed.

With `--output json` the 1.0 kit never prompts and prints one envelope on stdout,
`{"status": "ok" | "no_changes" | "missing_hints" | "error", …}` (exit 0, 0, 2, 1). Its human-readable details (the
database error of a failed push, the conflict tree of check) go to stderr, which is kept. Observed with rc.5: a push
that cannot connect exits 1 with no envelope and no output at all, so a missing envelope is a result too.
Pipes, not a pseudo-terminal: stdout must hold nothing but the envelope. Time-boxed; the child runs in its own process
group, killed whole on a timeout.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neontui.core.drizzle.project import Project
from neontui.core.kit.discovery import DIRECT_COMMANDS, binary, child_env, clean_output, kill_group
from neontui.core.kit.session import RunnerError

OK, NO_CHANGES, MISSING_HINTS, ERROR = "ok", "no_changes", "missing_hints", "error"
NO_ENVELOPE = "no_envelope"  # neontui's status: the kit ended without printing one (crash, timeout, killed)


@dataclass
class Envelope:
    status: str  # one of the four above, or NO_ENVELOPE
    data: dict[str, Any]  # the whole envelope ({} without one)
    returncode: int | None
    stderr: list[str] = field(default_factory=list)  # cleaned and redacted lines
    timed_out: bool = False
    switch: str | None = None  # why the URL was switched to the direct endpoint

    @property
    def error(self) -> dict[str, Any]:
        error = self.data.get("error")
        return error if isinstance(error, dict) else {}

    @property
    def unresolved(self) -> list[dict[str, Any]]:
        items = self.data.get("unresolved")
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def run_json(project: Project, command: str, args: Sequence[str] = (), *, url: str | None = None,
             hints: list[dict[str, Any]] | None = None, timeout: float = 300.0) -> Envelope:
    """`drizzle-kit <command> --output json [args] [--hints-file …] --config <config>` from the project's root.
    Hints go through a private temporary file: no quoting, no argument-length limit, nothing in `ps`."""
    # only the commands that reach the database get the URL: check must work with any config, even one whose URL
    # is written literally (url_variable refuses those)
    env, switch = child_env(project, command, url if command in DIRECT_COMMANDS else "")
    with tempfile.TemporaryDirectory(prefix="neontui-hints-") as tmp:
        extra: list[str] = []
        if hints:
            path = Path(tmp) / "hints.json"
            path.write_text(json.dumps(hints), encoding="utf-8")
            extra = ["--hints-file", str(path)]
        argv = [str(binary(project)), command, "--output", "json", *args, *extra,
                "--config", str(project.config.path)]
        returncode, stdout, stderr, timed_out = _run(argv, project.config.root, env, timeout)
    envelope = parse_envelope(stdout)
    lines = [line for line in clean_output(stderr).split("\n") if line.strip()]
    if timed_out:
        lines.append(f"drizzle-kit {command} did not finish within {timeout:.0f} s: stopped")
    status = str(envelope.get("status")) if envelope else NO_ENVELOPE
    return Envelope(status, envelope or {}, returncode, lines, timed_out, switch)


def parse_envelope(stdout: str) -> dict[str, Any] | None:
    """The last stdout line that is a JSON object with a `status` (the kit prints nothing else with --output json,
    but a dependency's warning must not hide it)."""
    for line in reversed(stdout.splitlines()):
        text = line.strip()
        if not text.startswith("{"):
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and "status" in data:
            return data
    return None


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int | None, str, str, bool]:
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise RunnerError(f"cannot start drizzle-kit: {exc.strerror}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        timed_out = True
    except BaseException:  # interrupted: node and what it started must not outlive us
        kill_group(proc)
        raise
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timed_out


