"""A disposable copy of a database on the same PostgreSQL server, for rehearsing a migration off the real thing.

Two ways, the fastest that is safe right now (docs/rehearsal.md):

- `CREATE DATABASE <copy> TEMPLATE <target>`: a file-level copy, schema and data, in one statement. PostgreSQL
  refuses it while any other session is connected to the target ("source database is being accessed by other
  users"), so it is tried only when pg_stat_activity shows none, and a session that connects in between sends us to
- `pg_dump -Fc <target> | pg_restore --no-owner --exit-on-error` into a freshly created empty database: slower,
  but it reads the target through an ordinary snapshot, so the application may stay connected.

The copy is always removed by `drop_copy` (idempotent) or the `disposable_copy` context manager, on success,
failure and Ctrl-C alike. Every statement, connection and client tool runs under one deadline.
"""

from __future__ import annotations

import contextlib
import secrets
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from neontui.core.db.limits import CATALOG_LOCK_TIMEOUT, DEFAULT_CONNECT_DEADLINE
from neontui.core.db.pg_client import (
    Deadline,
    PgClient,
    client_for,
    libpq_target_without_password,
    mismatch_from_stderr,
    tool_env,
    tool_failure,
)
from neontui.core.db.url import DbUrl, direct_url, parse_url, with_database
from neontui.core.errors import ConfigError, ConnectionFailure, NeontuiError

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "DEFAULT_COPY_DEADLINE",
    "DatabaseCopy",
    "admin",
    "copy_name",
    "createdb_fix",
    "ddl",
    "detail",
    "disposable_copy",
    "drop_copy",
    "make_copy",
    "name_prefix",
    "named_database",
    "set_budget",
    "stamped_name",
]

DEFAULT_COPY_DEADLINE = 900.0  # seconds for a whole copy: connecting, creating, dumping and restoring
DEFAULT_DROP_DEADLINE = 60.0
TEMPLATE = "template"
DUMP_RESTORE = "dump-restore"
_MAX_NAME_BYTES = 63  # NAMEDATALEN - 1: PostgreSQL silently truncates longer names, and DROP would miss the copy
# Where CREATE/DROP DATABASE run from: never the target itself (a session there blocks TEMPLATE), nor the copy.
_MAINTENANCE = ("postgres", "template1")


@dataclass(frozen=True, repr=False)
class DatabaseCopy:
    """A disposable copy of `source` named `name` on the same server. `url` carries the password: never print it,
    use display_target()."""

    name: str
    source: str
    url: str  # the target's URL with the database replaced by the copy
    admin_url: str  # the maintenance database CREATE and DROP ran from
    strategy: str  # TEMPLATE or DUMP_RESTORE
    why: str  # why that strategy, in words
    server_version_num: int

    def display_target(self) -> str:
        return parse_url(self.url).display_target()

    def __repr__(self) -> str:
        return f"DatabaseCopy(name={self.name!r}, source={self.source!r}, strategy={self.strategy!r})"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "target": self.display_target(),
                "strategy": self.strategy, "why": self.why}


def stamped_name(kind: str, now: datetime | None = None) -> str:
    """`neontui-<kind>-20261201-113000-1a2b`: who made it and what for, the UTC time (sorts, says when) and 4 hex
    digits, so that two made in the same second do not collide. The one name of every copy, backup and branch
    neontui makes, on PostgreSQL and on Neon alike."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{name_prefix(kind)}{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def name_prefix(kind: str) -> str:
    """What every name `stamped_name(kind)` makes starts with: how neontui finds its own copies and backups."""
    return f"neontui-{kind}-"


def copy_name(now: datetime | None = None) -> str:
    """A rehearsal copy's name: `neontui-rehearsal-20261201-113000-1a2b`."""
    return stamped_name("rehearsal", now)


def _check_name(name: str, source: str) -> None:
    if not name or "\0" in name:
        raise ConfigError("the name of the disposable copy is empty or contains a NUL character")
    if len(name.encode()) > _MAX_NAME_BYTES:
        raise ConfigError(f'the copy name "{name}" is longer than PostgreSQL\'s {_MAX_NAME_BYTES} bytes')
    if name in (source, *_MAINTENANCE, "template0"):
        raise ConfigError(f'the copy cannot be named "{name}": that database is not disposable')


# --- the server's facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    user: str
    exists: bool
    may_create: bool  # CREATEDB (or superuser)
    may_template: bool  # cloning a non-template database needs its owner (or a member) or a superuser
    others: int  # other sessions connected to the target (autovacuum excluded: CREATE DATABASE stops it itself)
    encoding: str | None
    collate: str | None
    ctype: str | None
    name_taken: bool  # a database of the copy's name exists already: never ours to fill or drop


_FACTS = """
SELECT current_user, d.oid IS NOT NULL, r.rolcreatedb OR r.rolsuper,
       COALESCE(d.datistemplate OR r.rolsuper OR pg_has_role(d.datdba, 'USAGE'), false),
       (SELECT count(*) FROM pg_catalog.pg_stat_activity a
         WHERE a.datname = %(db)s AND a.pid <> pg_backend_pid()
           AND a.backend_type IS DISTINCT FROM 'autovacuum worker'),
       pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
       EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = %(copy)s)
  FROM pg_catalog.pg_roles r LEFT JOIN pg_catalog.pg_database d ON d.datname = %(db)s
 WHERE r.rolname = current_user
"""


def _facts(conn: psycopg.Connection, source: str, name: str, shown: str) -> _Facts:
    import psycopg

    try:
        row = conn.execute(_FACTS, {"db": source, "copy": name}).fetchone()
    except psycopg.Error as exc:
        raise NeontuiError(f"could not read the facts for a copy of {shown}: {detail(exc)}") from None
    if row is None:  # current_user always has a pg_roles row; kept for a clear line anyway
        raise NeontuiError(f"could not read the current role on {shown}")
    return _Facts(*row)


def detail(exc: BaseException) -> str:
    from neontui.core.redact import redact

    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return redact(" ".join(lines[0].split())) if lines else type(exc).__name__


# --- connections ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def admin(base: str, avoid: tuple[str, ...], clock: Deadline) -> Iterator[tuple[psycopg.Connection, str]]:
    """A session on a maintenance database of the server of `base` (not one of `avoid`), and its URL."""
    from neontui.core.db.connect import connect

    names = [n for n in _MAINTENANCE if n not in avoid]
    for index, name in enumerate(names):
        admin_url = with_database(base, name)
        try:
            conn = connect(admin_url, deadline=min(DEFAULT_CONNECT_DEADLINE, clock.left()),
                           application_name="neontui copy")
        except ConnectionFailure as exc:
            # Missing, or closed to this role ("permission denied for database"): the next one may do.
            if exc.kind in ("no-database", "other") and index + 1 < len(names):
                continue
            raise
        try:
            yield conn, admin_url
        finally:
            conn.close()
        return


def set_budget(conn: psycopg.Connection, clock: Deadline) -> None:
    """This session's statements get what is left of the deadline (the catalog limit, 30 s, would stop a large
    CREATE DATABASE … TEMPLATE), and still give up on a lock after the catalog lock timeout."""
    from neontui.core.db.connect import set_timeouts

    set_timeouts(conn, CATALOG_LOCK_TIMEOUT, f"{max(1, int(clock.left() * 1000))}ms", local=False)


def ddl(conn: psycopg.Connection, statement: Any, doing: str, shown: str, clock: Deadline) -> None:
    """Run one CREATE/DROP DATABASE; a one-line NeontuiError when it fails (ObjectInUse is the caller's)."""
    import psycopg

    set_budget(conn, clock)
    try:
        conn.execute(statement)
    except psycopg.errors.ObjectInUse:
        raise
    except psycopg.errors.DuplicateDatabase:
        raise _NameTaken(f"could not {doing} on {shown}: a database of that name exists already") from None
    except psycopg.errors.QueryCanceled:
        raise clock.expired(doing) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise NeontuiError(f"could not {doing} on {shown}: {detail(exc)}", hint=createdb_fix(conn)) from None
    except psycopg.Error as exc:
        raise NeontuiError(f"could not {doing} on {shown}: {detail(exc)}") from None


class _NameTaken(NeontuiError):
    """The copy's name belongs to an existing database: it is not ours, so nothing may drop it."""


def createdb_fix(conn: psycopg.Connection) -> str:
    user = conn.info.user or "<role>"
    quoted = '"' + user.replace('"', '""') + '"'
    return f"as an administrator run: ALTER ROLE {quoted} CREATEDB; or use a role that has CREATEDB"


# --- making the copy ------------------------------------------------------------------------------------------


def named_database(url: str, doing: str) -> tuple[str, DbUrl, str]:
    """(direct URL, its parse, the database name) of `url` (a pooled Neon URL switched to its direct host);
    ConfigError when it names no database (`doing`: "to copy", for the message)."""
    base = direct_url(url)[0]
    parsed = parse_url(base)
    database = parsed.dbname or parsed.user
    if not database:
        raise ConfigError(f"{parsed.display_target()}: the URL names no database {doing}",
                          hint="add the database name after the host, e.g. …/neondb")
    return base, parsed, database


def make_copy(url: str, *, name: str | None = None, deadline: float = DEFAULT_COPY_DEADLINE,
              purpose: str = "a disposable copy") -> DatabaseCopy:
    """A disposable copy of the database of `url` on the same server, schema and data (see the module text).
    `purpose` names what the copy is for in the messages (a kept backup is made with this too: "a backup").

    A pooled Neon URL is switched to its direct host first. One NeontuiError line when the server is unreachable,
    the role lacks CREATEDB, the local pg_dump cannot dump the server (when the dump path is needed), or the
    deadline passes; a half-made copy is removed before the error (or Ctrl-C) goes on.
    """
    base, parsed, source = named_database(url, "to copy")
    name = name or copy_name()
    _check_name(name, source)
    clock = Deadline(deadline, f"the copy of {parsed.display_target()}")
    with admin(base, (source, name), clock) as (conn, admin_url):
        return _make(conn, parsed, source, name, admin_url, clock, purpose)


def _make(conn: psycopg.Connection, parsed: DbUrl, source: str, name: str, admin_url: str,
          clock: Deadline, purpose: str) -> DatabaseCopy:
    from neontui.core.db.connect import server_info

    shown = parsed.display_target()
    info = server_info(conn, parse_url(admin_url))
    facts = _facts(conn, source, name, shown)
    if not facts.exists:
        raise NeontuiError(f'database "{source}" does not exist at {shown}', hint="check the database URL")
    if not facts.may_create:
        raise NeontuiError(f'role "{facts.user}" may not create databases, and {purpose} of {shown} is one',
                           hint=createdb_fix(conn))
    if facts.name_taken:
        raise ConfigError(f'a database named "{name}" exists already next to {shown}', hint="choose another name")
    copy = DatabaseCopy(name=name, source=source, url=with_database(parsed.raw, name), admin_url=admin_url,
                        strategy=TEMPLATE, why="no other session was connected to the target",
                        server_version_num=info.version_num)
    try:
        return _fill(conn, copy, facts, parsed, clock)
    except _NameTaken:
        raise
    except BaseException:  # Ctrl-C included: a copy made or half-made must not stay behind
        with contextlib.suppress(NeontuiError):
            drop_copy(copy)  # a fresh session: this one may be what failed
        raise


def _fill(conn: psycopg.Connection, copy: DatabaseCopy, facts: _Facts, parsed: DbUrl,
          clock: Deadline) -> DatabaseCopy:
    """Create the copy by the fastest way the target allows now (see the module text)."""
    shown, source = parsed.display_target(), copy.source
    if not facts.may_template:
        why = f'role "{facts.user}" may not use "{source}" as a template (it neither owns it nor is a superuser)'
    elif facts.others:
        why = f"{facts.others} other session(s) connected to the target"
    elif _from_template(conn, copy, shown, clock):
        return copy
    else:
        why = "a session connected to the target just before CREATE DATABASE … TEMPLATE"
    client = client_for(copy.server_version_num, shown, need_restore=True, timeout=min(30.0, clock.left()))
    copy = replace(copy, strategy=DUMP_RESTORE, why=why)
    _create_empty(conn, copy, facts, shown, clock)
    _dump_restore(parsed.raw, copy, client, shown, clock)
    return copy


def _from_template(conn: psycopg.Connection, copy: DatabaseCopy, shown: str, clock: Deadline) -> bool:
    """CREATE DATABASE … TEMPLATE; False when a session on the target made PostgreSQL refuse it."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(copy.name),
                                                                 sql.Identifier(copy.source))
    try:
        ddl(conn, statement, f'create the copy "{copy.name}"', shown, clock)
    except psycopg.errors.ObjectInUse:  # "source database … is being accessed by other users": nothing was made
        return False
    return True


def _create_empty(conn: psycopg.Connection, copy: DatabaseCopy, facts: _Facts, shown: str,
                  clock: Deadline) -> None:
    """An empty database for pg_restore, from template0 (template1 may hold objects the dump would clash with),
    with the target's encoding and locale so text sorts and compares the same."""
    from psycopg import sql

    options: list[sql.Composable] = [sql.SQL("TEMPLATE template0")]
    for keyword, value in (("ENCODING", facts.encoding), ("LC_COLLATE", facts.collate), ("LC_CTYPE", facts.ctype)):
        if value:
            options.append(sql.SQL(f"{keyword} {{}}").format(sql.Literal(value)))
    statement = sql.SQL("CREATE DATABASE {} ").format(sql.Identifier(copy.name)) + sql.SQL(" ").join(options)
    ddl(conn, statement, f'create the empty database "{copy.name}"', shown, clock)


def _dump_restore(source_url: str, copy: DatabaseCopy, client: PgClient, shown: str, clock: Deadline) -> None:
    """pg_dump -Fc of the target piped into pg_restore on the copy; both killed when the deadline passes."""
    assert client.pg_restore is not None
    source, password = libpq_target_without_password(source_url)
    target, _ = libpq_target_without_password(copy.url)  # the same credentials: only the database differs
    dump_cmd = [str(client.pg_dump), "--format=custom", "--no-password", "--lock-wait-timeout=30000",
                "--dbname", source]
    restore_cmd = [str(client.pg_restore), "--no-owner", "--exit-on-error", "--no-password", "--dbname", target]
    env = tool_env(password)
    started: list[subprocess.Popen[bytes]] = []  # every tool started: stopped and reaped whatever happens
    with tempfile.TemporaryFile() as dump_err, tempfile.TemporaryFile() as restore_err:
        try:
            with _ctrl_c_held():  # a Ctrl-C inside Popen would leave its child running with nobody to stop it
                # stderr to files, not pipes: a chatty tool must not block on a pipe nobody reads until it exits.
                dump = subprocess.Popen(dump_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=dump_err, env=env)
                started.append(dump)
                try:
                    restore = subprocess.Popen(restore_cmd, stdin=dump.stdout, stdout=subprocess.DEVNULL,
                                               stderr=restore_err, env=env)
                except OSError as exc:
                    raise NeontuiError(f"could not run {client.pg_restore}: {exc.strerror or exc}") from None
                started.append(restore)
            assert dump.stdout is not None
            dump.stdout.close()  # pg_restore holds the read end now; pg_dump gets SIGPIPE if pg_restore stops
            try:
                restore.wait(timeout=clock.left())
                dump.wait(timeout=clock.left())
            except subprocess.TimeoutExpired:
                raise clock.expired("pg_dump | pg_restore") from None
        finally:
            for process in reversed(started):
                _stop(process)
        _check_pipe(dump.returncode, _read(dump_err), restore.returncode, _read(restore_err), shown, client)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """SIGINT held back (in the main thread, the only one Python delivers it to) until the block has recorded the
    processes it started; a Ctrl-C pressed meanwhile arrives right after, as KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", "replace")


def _check_pipe(dump_rc: int, dump_err: str, restore_rc: int, restore_err: str, shown: str,
                client: PgClient) -> None:
    """The first real failure of the pipe: pg_dump's own (its SIGPIPE only echoes pg_restore's), else pg_restore's."""
    if dump_rc not in (0, -signal.SIGPIPE) or (dump_rc != 0 and restore_rc == 0):
        mismatch = mismatch_from_stderr(dump_err, shown, client.pg_dump)
        if mismatch is not None:
            raise mismatch
        raise NeontuiError(tool_failure("pg_dump", f"of {shown}", dump_err, dump_rc))
    if restore_rc != 0:
        raise NeontuiError(tool_failure("pg_restore", "into the copy", restore_err, restore_rc))


# --- removing it ----------------------------------------------------------------------------------------------


def _drop(conn: psycopg.Connection, copy: DatabaseCopy, shown: str, clock: Deadline) -> None:
    """DROP DATABASE IF EXISTS the copy, ending its sessions first (and only its sessions)."""
    import psycopg
    from psycopg import sql

    if copy.name == copy.source:  # belt and braces: _check_name already refused it
        raise NeontuiError(f'refusing to drop "{copy.name}": it is the target, not a copy')
    name = sql.Identifier(copy.name)
    try:
        set_budget(conn, clock)
        if copy.server_version_num >= 130000:
            try:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                return
            except psycopg.errors.InsufficientPrivilege:
                # PostgreSQL 15 refuses FORCE to a non-superuser while autovacuum works in the database (the
                # worker has no role to check); ending the sessions and a plain DROP (it stops autovacuum) work.
                pass
        conn.execute("SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
                     " WHERE datname = %s AND pid <> pg_backend_pid()", (copy.name,))
    except psycopg.errors.QueryCanceled:
        raise clock.expired(f'removing "{copy.name}"') from None
    except psycopg.Error as exc:
        raise NeontuiError(f'could not remove "{copy.name}" on {shown}: {detail(exc)}') from None
    ddl(conn, sql.SQL("DROP DATABASE IF EXISTS {}").format(name), f'remove "{copy.name}"', shown, clock)


def drop_copy(copy: DatabaseCopy, *, deadline: float = DEFAULT_DROP_DEADLINE) -> None:
    """Remove the copy; a copy already gone is fine (idempotent). One NeontuiError line, with the SQL to remove
    it by hand, when it cannot be removed."""
    shown = copy.display_target()
    clock = Deadline(deadline, f"removing the copy {shown}")
    try:
        with admin(copy.admin_url, (copy.source, copy.name), clock) as (conn, _):
            _drop(conn, copy, shown, clock)
    except NeontuiError as exc:
        quoted = '"' + copy.name.replace('"', '""') + '"'
        raise NeontuiError(f"the disposable copy was not removed: {exc.message}",
                           hint=f"remove it by hand: DROP DATABASE IF EXISTS {quoted} WITH (FORCE);") from None


@contextlib.contextmanager
def disposable_copy(url: str, *, name: str | None = None,
                    deadline: float = DEFAULT_COPY_DEADLINE) -> Iterator[DatabaseCopy]:
    """make_copy, and drop_copy when the block ends however it ends (an exception or Ctrl-C included). When the
    block failed and removing fails too, the block's error goes on, with a note saying what was left behind."""
    copy = make_copy(url, name=name, deadline=deadline)
    try:
        yield copy
    except BaseException as exc:
        try:
            drop_copy(copy)
        except NeontuiError as failure:
            exc.add_note(failure.one_line())
        raise
    drop_copy(copy)
