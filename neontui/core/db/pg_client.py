"""The local PostgreSQL client tools (pg_dump, pg_restore): finding them, whether they can dump a server, and how
to run them without putting the password on the command line.

The one place for the version rule: pg_dump refuses a server whose major version is newer than its own (and
pg_restore reads only the archives of a pg_dump no newer than itself, so both come from the same folder). Both
the proactive check (`client_for`, before neontui starts work it could not finish) and the reading of pg_dump's
own refusal (`mismatch_from_stderr`) say the same thing: which version is needed, and what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neontui.core.db.url import parse_url
from neontui.core.errors import ConfigError, NeontuiError
from neontui.core.redact import redact

__all__ = [
    "Deadline",
    "PgClient",
    "client_for",
    "install_hint",
    "libpq_target_without_password",
    "mismatch_from_stderr",
    "tool_env",
    "tool_failure",
]

_VERSION = re.compile(r"\(PostgreSQL\)\s+(?P<version>(?P<major>\d+)(?:\.\d+)*)")


@dataclass(frozen=True)
class PgClient:
    """A pg_dump (and the pg_restore next to it, when asked for) that can dump the server it was checked for."""

    pg_dump: Path
    pg_restore: Path | None
    version: str  # pg_dump's version, e.g. "18.4"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def install_hint(server_major: int) -> str:
    """What to install to get client tools that can dump a server of major version `server_major`."""
    return (f"install the PostgreSQL {server_major} client tools or newer and put their bin folder first on PATH: "
            f"apt install postgresql-client-{server_major} on Debian/Ubuntu, brew install "
            f"postgresql@{server_major} on macOS")


def _mismatch_line(shown: str, server: str, client: str, path: Path | str) -> str:
    return (f"pg_dump {client} ({path}) cannot dump {shown}: the server runs PostgreSQL {server}, which needs "
            f"pg_dump {server.split('.')[0]} or newer")


def mismatch_from_stderr(stderr: str, shown: str, pg_dump: Path | str = "pg_dump") -> NeontuiError | None:
    """The one-line error for pg_dump's own "server version mismatch" refusal, or None for any other failure."""
    text = " ".join(redact(stderr).split())
    if "server version mismatch" not in text:
        return None
    server = re.search(r"server version:\s*([\d.]+\d)", text)
    client = re.search(r"pg_dump version:\s*([\d.]+\d)", text)
    if server is None or client is None:
        return NeontuiError(f"pg_dump ({pg_dump}) cannot dump {shown}: server version mismatch ({text[:200]})")
    message = _mismatch_line(shown, server.group(1), client.group(1), pg_dump)
    # pg_dump's own words too: they are what a search for the error finds.
    return NeontuiError(f"{message} (server version mismatch: server version: {server.group(1)}; "
                        f"pg_dump version: {client.group(1)})",
                        hint=install_hint(int(server.group(1).split(".")[0])))


def _version_of(tool: Path, timeout: float) -> str:
    try:
        result = subprocess.run([str(tool), "--version"], capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise NeontuiError(f"{tool} --version did not answer in {timeout:g} s") from None
    except OSError as exc:
        raise NeontuiError(f"could not run {tool}: {exc.strerror or exc}") from None
    match = _VERSION.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise NeontuiError(f"{tool} --version printed no PostgreSQL version: "
                           f"{' '.join((result.stdout or result.stderr).split())[:120] or 'nothing'}")
    return match["version"]


def client_for(server_version_num: int, shown: str, *, need_restore: bool = False, timeout: float = 30) -> PgClient:
    """The pg_dump on PATH (and its pg_restore), checked against a server of `server_version_num` (e.g. 180004).

    One NeontuiError line, with what to install, when pg_dump (or pg_restore) is missing or older than the server.
    """
    server_major = server_version_num // 10000
    server = f"{server_major}.{server_version_num % 10000}" if server_major >= 10 else str(server_version_num)
    found = shutil.which("pg_dump")
    if found is None:
        raise NeontuiError(f"pg_dump is not installed (needed to copy or compare {shown})",
                           hint=install_hint(server_major))
    pg_dump = Path(found)
    version = _version_of(pg_dump, timeout)
    if int(version.split(".")[0]) < server_major:
        raise NeontuiError(_mismatch_line(shown, server, version, pg_dump), hint=install_hint(server_major))
    pg_restore = None
    if need_restore:
        # The pg_restore of the same installation: another one on PATH might be older than this pg_dump's archives.
        pg_restore = pg_dump.with_name("pg_restore")
        if not (pg_restore.is_file() and os.access(pg_restore, os.X_OK)):
            raise NeontuiError(f"no pg_restore next to {pg_dump} (needed to copy {shown})",
                               hint=install_hint(server_major))
    return PgClient(pg_dump=pg_dump, pg_restore=pg_restore, version=version)


def libpq_target_without_password(url: str) -> tuple[str, str | None]:
    """A libpq connection string for `url` without its password, and the password (None when there is none).

    libpq itself splits the URL (psycopg's conninfo_to_dict), so every host, port and parameter survives exactly
    as libpq would read it; only `password` is dropped, to be passed through PGPASSWORD instead of argv.
    """
    import psycopg  # the URL helpers load no driver; only running a client tool needs libpq's parser
    from psycopg import conninfo as pg_conninfo

    parsed = parse_url(url)  # validates, and registers the password with redact()
    try:
        params = pg_conninfo.conninfo_to_dict(parsed.raw)
    except psycopg.Error as exc:  # parse_url already vetted it with libpq; kept for a one-line error anyway
        raise ConfigError(f"invalid database URL: {' '.join(str(exc).split())}") from None
    params.pop("password", None)
    return pg_conninfo.make_conninfo(**{k: str(v) for k, v in params.items()}), parsed.password


def tool_env(password: str | None) -> dict[str, str]:
    """The environment for a client tool: ours, plus the password in PGPASSWORD (never in argv, visible in ps)."""
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def tool_failure(tool: str, what: str, stderr: str, returncode: int) -> str:
    """One redacted line for a client tool that failed: its first error line, without the tool's own prefix."""
    lines = [" ".join(line.split()) for line in redact(stderr).splitlines() if line.strip()]
    errors = [line.removeprefix(f"{tool}: error: ") for line in lines if "error" in line]
    first = errors[0] if errors else lines[0] if lines else "no error output"
    return f"{tool} {what} failed (exit {returncode}): {first}"


class Deadline:
    """One budget of seconds for a whole operation: each step (a connection, a query, a client tool) gets what is
    left, so several steps cannot add up to more than the caller allowed."""

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = float(seconds)
        self.what = what
        self._end = time.monotonic() + self.seconds

    def left(self) -> float:
        """Seconds left; a one-line NeontuiError when none are."""
        remaining = self._end - time.monotonic()
        if remaining <= 0:
            raise NeontuiError(f"{self.what} timed out: its {self.seconds:g} s were used up")
        return remaining

    def expired(self, step: str) -> NeontuiError:
        return NeontuiError(f"{self.what} timed out after {self.seconds:g} s ({step} was stopped)")
