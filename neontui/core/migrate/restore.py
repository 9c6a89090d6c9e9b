"""A restore point before a run: the server's time and WAL position, and how to go back to them.

`take_restore_point` records, in one round trip, the server clock and the current WAL LSN. For a Neon target that is
enough to roll the whole branch back (docs/compatibility.md#neon-restore: restore the branch from its own history,
`^self`, at that timestamp or LSN), as long as the point is still inside the project's restore window. For any other
PostgreSQL it is the `recovery_target_lsn` of a point-in-time recovery, which needs a base backup and WAL archiving.

`schema_dump` is an optional extra: a `pg_dump --schema-only` of the database, when pg_dump is installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from neontui.core.db.connect import left_as_found
from neontui.core.db.pg_client import client_for, libpq_target_without_password, mismatch_from_stderr
from neontui.core.db.url import DbUrl, direct_url, parse_url
from neontui.core.errors import NeontuiError
from neontui.core.redact import redact

__all__ = ["RestorePoint", "libpq_target_without_password", "schema_dump", "take_restore_point"]

BRANCH_PLACEHOLDER = "<branch>"
PROJECT_PLACEHOLDER = "<project-id>"

# One round trip. clock_timestamp(), not now(): now() is the start of the caller's transaction, which may be
# long past. On a standby pg_current_wal_lsn() raises, so take the replay position there.
_QUERY = (
    "SELECT clock_timestamp(),"
    " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text,"
    " current_database()"
)


@dataclass(frozen=True)
class RestorePoint:
    time: str  # server time, ISO 8601 UTC with microseconds and a Z: 2026-11-21T06:00:00.123456Z
    lsn: str  # pg_current_wal_lsn()::text, e.g. "0/1A2B3C8"
    database: str
    endpoint_id: str | None  # the Neon endpoint (compute) id; None for other servers

    @property
    def is_neon(self) -> bool:
        return self.endpoint_id is not None

    def restore_commands(self, *, branch: str | None = None, project_id: str | None = None) -> list[str]:
        """How to go back to this point: neonctl commands for Neon (by timestamp, then by LSN), else a PITR hint.

        Lines starting with '#' are explanations. The Neon branch and project are not part of the URL: pass them
        when known (from the Neon API), otherwise the commands carry <branch> and <project-id> placeholders.
        """
        if not self.is_neon:
            return self._pitr_hint()
        target = branch or BRANCH_PLACEHOLDER
        project = project_id or PROJECT_PLACEHOLDER
        # The pre-restore state is kept under this name; required when restoring a branch to its own history.
        backup = f"{target}-before-migrate-{self._stamp()}"
        lines = [
            f"# restore point of database {self.database} on Neon endpoint {self.endpoint_id}: "
            f"{self.time} (LSN {self.lsn})",
            "# a restore overwrites ALL databases on the branch and briefly drops its connections; the point must",
            "# still be inside the project's restore window (history_retention_seconds)",
        ]
        if branch is None or project_id is None:
            lines.append(
                f"# find {PROJECT_PLACEHOLDER} with: neonctl projects list; {BRANCH_PLACEHOLDER} with: "
                f"neonctl branches list --project-id {PROJECT_PLACEHOLDER} (the branch whose compute is "
                f"{self.endpoint_id})"
            )
        # Alternatives, not steps: running both would restore twice and clash on the backup branch name.
        for label, source in (("# by timestamp:", self.time), ("# or by LSN (the same point):", self.lsn)):
            lines.append(label)
            lines.append(
                f"neonctl branches restore {target} ^self@{source} --preserve-under-name {backup} "
                f"--project-id {project}"
            )
        return lines

    def _stamp(self) -> str:
        # 2026-11-21T06:00:00.123456Z → 20261121T060000: valid in a branch name, sorts by time.
        return self.time[:19].replace("-", "").replace(":", "")

    def _pitr_hint(self) -> list[str]:
        when = self.time.replace("T", " ").replace("Z", "+00")
        return [
            f"# restore point of database {self.database}: {self.time} (LSN {self.lsn})",
            "# not a Neon target: going back needs PostgreSQL point-in-time recovery from a base backup taken",
            "# before this point plus archived WAL up to it. Restore the base backup, create recovery.signal in",
            "# the data directory and set in postgresql.conf:",
            f"recovery_target_lsn = '{self.lsn}'",
            "recovery_target_inclusive = true",
            "recovery_target_action = 'promote'",
            f"# or by time instead of LSN: recovery_target_time = '{when}'",
            "# this rewinds the whole cluster (every database on the server), not only this one",
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "lsn": self.lsn,
            "database": self.database,
            "endpoint_id": self.endpoint_id,
            "commands": self.restore_commands(),
        }


def take_restore_point(conn: psycopg.Connection, url: DbUrl) -> RestorePoint:
    """The server's time and WAL position now, in one round trip; NeontuiError (one line) if the query fails."""
    try:
        with left_as_found(conn), conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(_QUERY)
            row = cur.fetchone()
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise NeontuiError(f"could not take a restore point on {url.display_target()}: {detail}") from None
    assert row is not None
    moment, lsn, database = row
    return RestorePoint(
        time=moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        lsn=str(lsn),
        database=str(database),
        endpoint_id=url.endpoint_id,
    )


def schema_dump(url: str, dest: Path, *, timeout: float = 120, server_version_num: int | None = None) -> Path | None:
    """`pg_dump --schema-only --no-owner` of the database into `dest`; None when pg_dump is not installed.

    With `server_version_num` (the gate knows it) the pg_dump found is checked against the server first
    (pg_client.client_for: one line naming both versions and what to install), before it runs.

    The password goes through PGPASSWORD, never argv (visible in ps). A pooled Neon URL is switched to the direct
    host first (Neon recommends dumping over the unpooled connection). The file appears only when pg_dump
    succeeded. Raises NeontuiError (one line, redacted) on failure or timeout; on timeout pg_dump is killed.
    """
    found = shutil.which("pg_dump")
    if found is None:
        return None
    direct = direct_url(url)[0]
    target, password = libpq_target_without_password(direct)
    shown = parse_url(direct).display_target()
    pg_dump = str(client_for(server_version_num, shown, timeout=min(30.0, timeout)).pg_dump
                  if server_version_num else found)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    command = [pg_dump, "--schema-only", "--no-owner", "--no-password", "--file", str(tmp), "--dbname", target]
    try:
        try:
            # subprocess.run kills pg_dump when the timeout expires; --no-password and no stdin: it never prompts.
            result = subprocess.run(
                command, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise NeontuiError(f"pg_dump of {shown} timed out after {timeout:g} s and was stopped") from None
        except OSError as exc:
            raise NeontuiError(f"could not run {pg_dump}: {exc.strerror or exc}") from None
        if result.returncode != 0:
            raise NeontuiError(_dump_failure(result.stderr.decode("utf-8", "replace"), result.returncode, shown))
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return dest


def _dump_failure(stderr: str, returncode: int, shown: str) -> str:
    # pg_dump refuses servers newer than itself: which versions, and what to install (db.pg_client says it).
    if (mismatch := mismatch_from_stderr(stderr, shown)) is not None:
        return mismatch.one_line()
    lines = [" ".join(line.split()) for line in redact(stderr).splitlines() if line.strip()]
    errors = [line.removeprefix("pg_dump: error: ") for line in lines if "error" in line]
    first = errors[0] if errors else lines[0] if lines else ""
    return f"pg_dump of {shown} failed (exit {returncode}): {first or 'no error output'}"
