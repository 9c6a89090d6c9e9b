"""Drizzle Studio (`drizzle-kit studio`) as a managed child process: started, watched and always stopped.

drizzle-kit studio (docs/compatibility.md#drizzle-studio) serves an HTTP API on 127.0.0.1:4983 for the hosted UI at
https://local.drizzle.studio, prints "Drizzle Studio is up and running on …" once it listens, connects to the
database lazily and runs until it is signalled. A busy port is an unhandled EADDRINUSE stack and exit 1.

The child runs in a new session (its own process group), so that a Ctrl-C meant for the console does not kill it
and so that one signal to the group also reaches node's own children (the esbuild service). The price is that the
kernel does not take it down with us: a studio started here is stopped by `stop()`, by leaving a `with` block, or
by the atexit hook below, which runs on a normal exit, on an uncaught exception and on KeyboardInterrupt. A
SIGTERM/SIGHUP to neontui skips atexit unless the application turns it into SystemExit (the CLI should), and a
SIGKILL always leaves the studio running; nothing in-process can help with that. (PR_SET_PDEATHSIG is not used:
it fires when the *thread* that spawned the child ends, which would kill a studio started from a worker thread.)
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import errno
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from neontui.core.db.url import direct_url
from neontui.core.drizzle.project import Project
from neontui.core.errors import ConfigError, NeontuiError
from neontui.core.kit import discovery as drizzle_kit

STUDIO_URL = "https://local.drizzle.studio"
DEFAULT_PORT = 4983
# 0 would make node pick a port that the printed URL names but we could not check beforehand
PORTS = range(1, 65536)
DEFAULT_HOST = "127.0.0.1"

_READY = re.compile(r"is up and running on (?P<url>\S+)")
# drizzle-kit's own messages ("Error  Please provide …") and node's uncaught exceptions ("TypeError: …").
_ERROR_LINE = re.compile(r"^\s*(?:Error\b|[A-Za-z]*Error:)")
_MAX_LINES = 2000  # the studio may print an error per failed request for hours; keep memory bounded
_TAIL = 3  # output lines quoted in a timeout message


@dataclass(frozen=True)
class StudioInfo:
    host: str
    port: int
    url: str  # the browser URL drizzle-kit printed (https://local.drizzle.studio[?port=…&host=…])
    pid: int  # of the drizzle-kit node process, also the id of its process group


class StudioError(NeontuiError):
    """The studio could not be started (busy port, drizzle-kit exited, not ready in time); one redacted line."""


def busy_message(host: str, port: int) -> str:
    return f"port {port} on {host} is busy (another drizzle studio?): pass --port N"


class Studio:
    """One `drizzle-kit studio` child. `start()` returns once it listens; `stop()` leaves no process behind."""

    def __init__(self, project: Project, *, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST,
                 url: str | None = None, startup_timeout: float = 60.0) -> None:
        if port not in PORTS:
            raise StudioError(f"invalid studio port {port}: use a number from 1 to 65535")
        self.project = project
        self.port = port
        self.host = host
        self.startup_timeout = startup_timeout
        self._url = url
        self.url_change: str | None = None  # why the URL handed to drizzle-kit differs (pooled → direct)
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._lines: deque[str] = deque(maxlen=_MAX_LINES)
        self._changed = threading.Condition()  # guards _lines/_ready_url/_eof; notified on each line and at EOF
        self._ready_url: str | None = None
        self._eof = False
        self._info: StudioInfo | None = None
        self._returncode: int | None = None
        self._stop_lock = threading.RLock()  # stop() may race between the app and the atexit hook

    # --- public ---------------------------------------------------------------------------------------------

    def start(self) -> StudioInfo:
        """Start the studio and wait until it listens; a no-op returning the same info while it runs."""
        if self._info is not None and self.running:
            return self._info
        argv = (str(drizzle_kit.binary(self.project)), "studio", "--config", str(self.project.config.path),
                "--port", str(self.port), "--host", self.host)
        env = self._environment()
        if _port_busy(self.host, self.port):
            raise StudioError(busy_message(self.host, self.port))
        self._reset()
        try:
            self._proc = subprocess.Popen(argv, cwd=self.project.config.root, env=env, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0,
                                          start_new_session=True)
        except OSError as exc:
            raise StudioError(f"cannot start drizzle-kit studio: {exc.strerror}") from None
        _live.add(self)
        self._reader = threading.Thread(target=self._read, args=(self._proc,), name="drizzle-studio-output",
                                        daemon=True)  # daemon: interpreter exit must reach the atexit hook
        self._reader.start()
        try:
            url = self._wait_ready()
        except BaseException:
            self.stop(timeout=2)  # a timeout, an early exit or a Ctrl-C while waiting: no half-started studio
            raise
        self._info = StudioInfo(self.host, self.port, url, self._proc.pid)
        return self._info

    @property
    def info(self) -> StudioInfo | None:
        return self._info

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def output(self) -> list[str]:
        """The cleaned, redacted, non-blank output lines so far (stdout and stderr interleaved)."""
        with self._changed:
            return list(self._lines)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM the whole process group, SIGKILL what is left after `timeout`; return the exit code.

        The code is Popen's: -15 when node died of the SIGTERM (a shell or npx wrapper would report 143), the
        real code if it had already exited. None if it was never started. Safe to call repeatedly and from atexit.
        """
        with self._stop_lock:
            proc = self._proc
            if proc is None:
                return None
            if self._returncode is None:
                pgid = proc.pid  # start_new_session: the group id is node's pid
                _signal_group(pgid, signal.SIGTERM)  # even if node is gone: stragglers of its group go too
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(pgid, signal.SIGKILL)
                    proc.wait(timeout=5)
                # node's children got the SIGTERM too; give them a moment, then make sure
                if not _wait_group_gone(pgid, min(timeout, 3.0)):
                    _signal_group(pgid, signal.SIGKILL)
                    _wait_group_gone(pgid, 3.0)
                self._returncode = proc.returncode
                _live.discard(self)
            if self._reader is not None:
                self._reader.join(timeout=2)
                if not self._reader.is_alive() and proc.stdout is not None:
                    proc.stdout.close()  # only once the reader is done with the descriptor
            return self._returncode

    def __enter__(self) -> Studio:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- internals ------------------------------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, "FORCE_COLOR": "0", "NO_UPDATE_NOTIFIER": "1"}
        url = self._url if self._url is not None else self.project.database_url
        if url is None:
            return env  # drizzle-kit reports the missing URL itself ("Please provide required params …")
        try:
            variable = drizzle_kit.url_variable(self.project)
        except ConfigError:
            if self._url is not None:
                raise  # an explicit URL that cannot be handed over must not be silently ignored
            return env  # the config holds the URL itself (literal or host-style); drizzle-kit reads it there
        env[variable], self.url_change = direct_url(url)
        return env

    def _reset(self) -> None:
        with self._changed:
            self._lines.clear()
            self._ready_url = None
            self._eof = False
        self._info = None
        self._returncode = None
        self._reader = None

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        """Collect output lines until EOF (reader thread). Lines are cleaned one by one as they complete."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            pending += decoder.decode(chunk, final=not chunk)
            *complete, pending = pending.replace("\r\n", "\n").split("\n")
            if not chunk and pending:
                complete.append(pending)  # a last line without newline (spinner frames end that way)
            for raw in complete:
                self._add_line(raw)
            if not chunk:
                break
        with self._changed:
            self._eof = True
            self._changed.notify_all()

    def _add_line(self, raw: str) -> None:
        line = drizzle_kit.clean_output(raw).rstrip()
        if not line.strip():
            return
        with self._changed:
            self._lines.append(line)
            match = _READY.search(line)
            if match and self._ready_url is None:
                self._ready_url = match["url"]
            self._changed.notify_all()

    def _wait_ready(self) -> str:
        assert self._proc is not None
        deadline = time.monotonic() + self.startup_timeout
        with self._changed:
            while self._ready_url is None:
                if self._eof or self._proc.poll() is not None:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    tail = " | ".join(list(self._lines)[-_TAIL:]) or "no output"
                    raise StudioError(f"drizzle studio was not ready within {self.startup_timeout:g} s and was "
                                      f"stopped; last output: {tail}")
                # short slices: an exit without EOF (a grandchild holding the pipe) is seen by poll() above
                self._changed.wait(min(remaining, 0.2))
            if self._ready_url is not None:
                return self._ready_url
        code = self.stop(timeout=2)  # collects the rest of the output and any straggler of the group
        raise StudioError(self._exit_reason(code))

    def _exit_reason(self, code: int | None) -> str:
        lines = self.output
        if any("EADDRINUSE" in line for line in lines):
            return busy_message(self.host, self.port)  # someone took the port after our check
        reason = ""
        for i, line in enumerate(lines):
            if _ERROR_LINE.match(line):
                # drizzle-kit continues an error on indented lines ("    [x] url: undefined"); a stack does not count
                more = [m.strip() for m in lines[i + 1:i + 4] if m[:1].isspace() and not m.strip().startswith("at ")]
                reason = " ".join([line.strip(), *more])
                break
        if not reason:
            reason = lines[-1].strip() if lines else "no output"
        return f"drizzle studio exited with code {code} before it was ready: {reason}"


# --- process groups, ports, atexit --------------------------------------------------------------------------


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group `pgid`.

    Zombies are skipped: node's children are reparented to init when node dies, and a container's init may
    reap them seconds later; they hold no port and no memory. Without /proc, killpg(pgid, 0) says whether any
    process (zombies included) is left.
    """
    proc_dir = Path("/proc")
    if not (proc_dir / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        except PermissionError:
            pass
        return [pgid]
    members = []
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        # "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def _wait_group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while group_members(pgid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _port_busy(host: str, port: int) -> bool:
    """Whether something already listens on host:port (tried by binding, as node will)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise StudioError(f"cannot use studio host {host}: {exc.strerror}") from None
    with socket.socket(family, kind, proto) as probe:
        # like node: a connection of the last studio still in TIME_WAIT does not make the port busy
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise StudioError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return False


_live: set[Studio] = set()  # studios started and not yet stopped; strong refs so none is lost to the GC


@atexit.register
def _stop_all() -> None:
    for studio in list(_live):
        with contextlib.suppress(Exception):
            studio.stop(timeout=3)
