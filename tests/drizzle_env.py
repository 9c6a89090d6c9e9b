"""The real drizzle-kit for the compatibility tests: installed once with `npm ci` into a cache and reused.

Two lines, each a pinned fixture with its committed lockfile: 0.31 (drizzle-kit 0.31.11, drizzle-orm 0.45.4) in
`drizzle_fixture/` and 1.0 (1.0.0-rc.5) in `drizzle_fixture_v1/`. `python -m tests.drizzle_env` installs both ahead of
the test run (.ci/run does this), together with two more: `neon_api_fixture/` (`@neondatabase/api-client` 2.7.3),
which ships Neon's published OpenAPI spec for tests/neon_server.py, and `sarif_fixture/` (Microsoft's SARIF
Multitool 5.7.0 for Linux), whose schema and validator check neontui's SARIF output (tests/sarif_check.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

FIXTURES = {"0.31": Path(__file__).parent / "drizzle_fixture", "1.0": Path(__file__).parent / "drizzle_fixture_v1",
            "neon-api": Path(__file__).parent / "neon_api_fixture", "sarif": Path(__file__).parent / "sarif_fixture"}
# The file a fixture's users need, whose presence says it was installed (drizzle-kit's bin link for the kit lines).
_READY = {"neon-api": Path("@neondatabase") / "api-client" / "public-v2-for-users.gen.yaml",
          "sarif": Path("@microsoft") / "sarif-multitool-linux" / "Sarif.Multitool"}
_KIT = Path(".bin") / "drizzle-kit"
INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 120
# drizzle-kit's rename prompt; answering Down+Enter picks the first rename candidate
# (docs/compatibility.md#drizzle-kit-prompts).
RENAME_PROMPT = b"created or renamed"
CHOOSE_FIRST_RENAME = b"\x1b[B\r"


def cache_dir(line: str = "0.31") -> Path:
    fixture = FIXTURES[line]
    lock = (fixture / "package-lock.json").read_bytes() + (fixture / "package.json").read_bytes()
    base = Path(os.environ.get("NEONTUI_NODE_CACHE", Path.home() / ".cache" / "neontui-tests"))
    return base / f"node-{hashlib.sha256(lock).hexdigest()[:12]}"


# Whether the running test may use the npm install (set per test by conftest.py; True outside pytest).
_npm_allowed = True


def allow_npm(allowed: bool) -> None:
    """Let the next test use node_modules() or not: only tests marked `drizzle` may reach the npm registry."""
    global _npm_allowed
    _npm_allowed = allowed


def node_modules(line: str = "0.31") -> Path:
    """Install the pinned drizzle-kit/drizzle-orm/pg of one line ("0.31" or "1.0"), the Neon API spec
    ("neon-api") or the SARIF Multitool ("sarif"), once (file-locked) and return its node_modules. Refused to a test
    not marked `drizzle` (or `neon_api`, `sarif`) even when the cache is warm, so that it fails alike on a fresh
    machine."""
    if not _npm_allowed:
        raise RuntimeError("this test uses drizzle-kit from npm: mark it @pytest.mark.drizzle "
                           "(@pytest.mark.neon_api for the Neon API spec, @pytest.mark.sarif for the SARIF Multitool)")
    target = cache_dir(line)
    modules = target / "node_modules"
    ready = modules / _READY.get(line, _KIT)
    if ready.exists():
        return modules
    if shutil.which("npm") is None:
        raise RuntimeError("npm is not installed: the drizzle-kit compatibility tests need node and npm")
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copy(FIXTURES[line] / name, target / name)
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target,
                           check=True, timeout=INSTALL_TIMEOUT, stdin=subprocess.DEVNULL)
    return modules


def run_drizzle_kit(project: Path, *args: str, env: Mapping[str, str] | None = None,
                    timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run the project's drizzle-kit without a TTY, as CI would."""
    return subprocess.run([str(project / "node_modules" / ".bin" / "drizzle-kit"), *args], cwd=project,
                          env=_env(env), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def generate_with_renames(project: Path, name: str, timeout: float = RUN_TIMEOUT) -> str:
    """`drizzle-kit generate --name NAME` in a pseudo-terminal, answering every rename prompt with a rename."""
    argv = [str(project / "node_modules" / ".bin" / "drizzle-kit"), "generate", "--name", name]
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(argv, cwd=project, env=_env(None), stdin=secondary, stdout=secondary,
                            stderr=secondary, start_new_session=True)
    os.close(secondary)
    output, answered, deadline = b"", 0, time.monotonic() + timeout
    try:
        while proc.poll() is None or select.select([primary], [], [], 0)[0]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"drizzle-kit generate did not finish in {timeout}s:\n{output.decode()}")
            if select.select([primary], [], [], 0.1)[0]:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                output += chunk
                if output.count(RENAME_PROMPT) > answered:
                    answered = output.count(RENAME_PROMPT)
                    os.write(primary, CHOOSE_FIRST_RENAME)
        proc.wait(timeout=10)
    finally:
        os.close(primary)
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
    text = output.decode("utf-8", "replace")
    if proc.returncode != 0 or "Your SQL migration" not in text:
        raise RuntimeError(f"drizzle-kit generate failed ({proc.returncode}):\n{text}")
    return text


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEONTUI_")}
    env.update({"FORCE_COLOR": "0", "NO_UPDATE_NOTIFIER": "1"})
    env.update(extra or {})
    return env


if __name__ == "__main__":
    for kit_line in FIXTURES:
        started = time.monotonic()
        print(f"npm fixture {kit_line} ready in {node_modules(kit_line)} ({time.monotonic() - started:.1f}s)",
              file=sys.stderr)
