"""Backups on plain PostgreSQL: a kept full copy of the database on the same server, and restoring from one.

A backup is a copy made by `make_copy` (TEMPLATE, or pg_dump | pg_restore while the target is busy) named
`neontui-backup-<UTC yyyymmdd-hhmmss>-<4 hex>` and marked `COMMENT ON DATABASE … IS 'neontui backup of <db> at
<time>'`: the comment is what `list_backups` looks for, so a database somebody else named alike never counts.

A restore swaps databases instead of copying data back, so it is as fast as a template copy and can be undone:
the target's sessions are ended, the target is renamed to `<target>-before-restore-<ts>` (kept: the state before
the restore) and `CREATE DATABASE <target> TEMPLATE <backup>` makes the new target; if that fails the preserved
database is renamed back, so nothing is left half-done. The backup itself is kept (it can be restored again).
What a template copy does not carry: the database's own settings (ALTER DATABASE … SET), its comment and the
privileges granted on the database itself (GRANT CONNECT); objects inside it are copied as they are.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from neontui.core.db.copy import (
    admin,
    createdb_fix,
    ddl,
    detail,
    make_copy,
    name_prefix,
    named_database,
    set_budget,
    stamped_name,
)
from neontui.core.db.pg_client import Deadline
from neontui.core.errors import ConfigError, NeontuiError

if TYPE_CHECKING:
    import psycopg

__all__ = ["BACKUP_PREFIX", "DEFAULT_RESTORE_DEADLINE", "PlainBackup", "PlainRestore", "backup_name", "find_backup",
           "list_backups", "make_backup", "preserved_name", "restore_backup"]

BACKUP_PREFIX = name_prefix("backup")
DEFAULT_BACKUP_DEADLINE = 900.0
DEFAULT_RESTORE_DEADLINE = 300.0
_COMMENT = "neontui backup of {db} at {at}"
_MAX_NAME_BYTES = 63
_RENAME_ATTEMPTS = 3  # a session may connect between ending the sessions and the rename: end them again


@dataclass(frozen=True)
class PlainBackup:
    name: str  # the backup database
    database: str  # the database it is a backup of
    created_at: str  # RFC 3339, UTC
    target: str  # masked host:port/db of the backed-up database (no password)

    kind = "database-copy"
    what = "backup database"  # how the output names it

    @property
    def id(self) -> str:
        return self.name

    def restore_commands(self) -> list[str]:
        quoted = _quote(self.name)
        return [f"neontui restore --to {self.name}",
                f"# by hand: end the sessions on {_quote(self.database)}, ALTER DATABASE {_quote(self.database)} "
                f"RENAME TO \"{self.database}-before-restore\"; CREATE DATABASE {_quote(self.database)} "
                f"TEMPLATE {quoted};"]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "id": self.name, "database": self.database,
                "created_at": self.created_at, "target": self.target, "restore": self.restore_commands()}


@dataclass(frozen=True)
class PlainRestore:
    database: str
    backup: str
    preserved: str  # the database that holds the state before the restore
    ended_sessions: int


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _now() -> datetime:
    return datetime.now(UTC)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backup_name(at: datetime | None = None) -> str:
    """`neontui-backup-20261201-113000-1a2b`: sorts by time; 4 hex so two in one second do not collide."""
    return stamped_name("backup", at or _now())


def preserved_name(database: str, at: datetime | None = None) -> str:
    """`<database>-before-restore-<ts>`, the database part shortened to fit PostgreSQL's 63 bytes."""
    suffix = f"-before-restore-{(at or _now()).astimezone(UTC):%Y%m%d-%H%M%S}"
    head = database.encode()[:_MAX_NAME_BYTES - len(suffix)].decode("utf-8", "ignore")
    return head + suffix


def _source(url: str) -> tuple[str, str, str]:
    """(direct URL, database name, masked target) of `url`; ConfigError when it names no database."""
    base, parsed, database = named_database(url, "to back up or restore")
    return base, database, parsed.display_target()


# --- taking a backup ------------------------------------------------------------------------------------------


def make_backup(url: str, *, deadline: float = DEFAULT_BACKUP_DEADLINE) -> PlainBackup:
    """A kept full copy of the database of `url`, commented as neontui's backup of it. The same one-line errors as
    make_copy (no CREATEDB, pg_dump too old, deadline); a copy that cannot be marked is removed again."""
    from neontui.core.db.copy import drop_copy

    base, database, shown = _source(url)
    moment = _now()
    copy = make_copy(base, name=backup_name(moment), deadline=deadline, purpose="a backup")
    comment = _COMMENT.format(db=database, at=_rfc3339(moment))
    try:
        clock = Deadline(60.0, f"marking the backup of {shown}")
        with admin(copy.admin_url, (database, copy.name), clock) as (conn, _):
            from psycopg import sql

            ddl(conn, sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(copy.name), sql.Literal(comment)),
                f'mark "{copy.name}" as a backup', shown, clock)
    except BaseException:
        with contextlib.suppress(NeontuiError):
            drop_copy(copy)  # unmarked, it would be a copy nobody finds
        raise
    return PlainBackup(copy.name, database, _rfc3339(moment), shown)


_LIST = """
SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database')
  FROM pg_catalog.pg_database d
 WHERE d.datname LIKE 'neontui-backup-%%'
   AND pg_catalog.shobj_description(d.oid, 'pg_database') LIKE %s
 ORDER BY d.datname DESC
"""


def list_backups(url: str, *, deadline: float = 60.0) -> list[PlainBackup]:
    """neontui's backups of the database of `url` on its server, newest first."""
    base, database, shown = _source(url)
    clock = Deadline(deadline, f"listing the backups of {shown}")
    prefix = _COMMENT.format(db=database, at="")
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with admin(base, (database,), clock) as (conn, _):
        rows = _query(conn, _LIST, (pattern,), f"list the backups of {shown}", clock)
    return [PlainBackup(str(name), database, str(comment)[len(prefix):], shown) for name, comment in rows]


def _query(conn: psycopg.Connection, query: str, params: tuple[Any, ...], doing: str,
           clock: Deadline) -> list[tuple[Any, ...]]:
    import psycopg

    set_budget(conn, clock)
    try:
        return conn.execute(query, params).fetchall()
    except psycopg.errors.QueryCanceled:
        raise clock.expired(doing) from None
    except psycopg.Error as exc:
        raise NeontuiError(f"could not {doing}: {detail(exc)}") from None


def find_backup(backups: list[PlainBackup], wanted: str) -> PlainBackup:
    for backup in backups:
        if backup.name == wanted:
            return backup
    known = ", ".join(b.name for b in backups[:3]) or "none"
    raise ConfigError(f"no neontui backup {wanted!r} of this database (newest: {known})",
                      hint="neontui backup --list shows them")


# --- restoring ------------------------------------------------------------------------------------------------

_RESTORE_FACTS = """
SELECT current_user, r.rolcreatedb OR r.rolsuper,
       t.oid IS NOT NULL, COALESCE(r.rolsuper OR pg_has_role(t.datdba, 'USAGE'), false),
       pg_catalog.pg_get_userbyid(t.datdba),
       b.oid IS NOT NULL, COALESCE(b.datistemplate OR r.rolsuper OR pg_has_role(b.datdba, 'USAGE'), false),
       EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = %(keep)s)
  FROM pg_catalog.pg_roles r
  LEFT JOIN pg_catalog.pg_database t ON t.datname = %(db)s
  LEFT JOIN pg_catalog.pg_database b ON b.datname = %(backup)s
 WHERE r.rolname = current_user
"""


def _check_restore(conn: psycopg.Connection, database: str, backup: str, keep: str, shown: str,
                   clock: Deadline) -> str:
    """Everything the swap needs, checked before anything changes; the target's owner."""
    facts = _restore_facts(conn, {"db": database, "backup": backup, "keep": keep}, shown, clock)
    user, may_create, exists, owns, owner, backup_exists, may_template, keep_taken = facts
    if not exists:
        raise NeontuiError(f'database "{database}" does not exist at {shown}')
    if not backup_exists:
        raise ConfigError(f'the backup "{backup}" does not exist next to {shown}', hint="neontui backup --list")
    if not may_create:
        raise NeontuiError(f'role "{user}" may not create databases, and a restore makes {shown} anew',
                           hint=createdb_fix(conn))
    if not owns:
        raise NeontuiError(f'role "{user}" does not own "{database}" (owner: {owner}), so it may not rename it',
                           hint=f"restore as {owner} or a superuser")
    if not may_template:
        raise NeontuiError(f'role "{user}" may not copy the backup "{backup}" (it neither owns it nor is a '
                           "superuser)")
    if keep_taken:
        raise ConfigError(f'a database named "{keep}" exists already', hint="try again in a second")
    return str(owner)


def _restore_facts(conn: psycopg.Connection, params: dict[str, str], shown: str, clock: Deadline) -> tuple[Any, ...]:
    import psycopg

    set_budget(conn, clock)
    try:
        row = conn.execute(_RESTORE_FACTS, params).fetchone()
    except psycopg.errors.QueryCanceled:
        raise clock.expired("reading the restore's facts") from None
    except psycopg.Error as exc:
        raise NeontuiError(f"could not read the facts for a restore of {shown}: {detail(exc)}") from None
    if row is None:
        raise NeontuiError(f"could not read the current role on {shown}")
    return tuple(row)


def _end_sessions(conn: psycopg.Connection, database: str) -> int:
    row = conn.execute("SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity"
                       " WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()
    return int(row[0]) if row else 0


def _rename_away(conn: psycopg.Connection, database: str, keep: str, shown: str, clock: Deadline) -> int:
    """End the target's sessions and rename it to `keep`; a session that connects in between is ended again."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(database), sql.Identifier(keep))
    ended = 0
    for attempt in range(1, _RENAME_ATTEMPTS + 1):
        try:
            set_budget(conn, clock)
            ended += _end_sessions(conn, database)
        except psycopg.Error as exc:
            raise NeontuiError(f'could not end the sessions on "{database}" at {shown}: {detail(exc)}') from None
        try:
            ddl(conn, statement, f'rename "{database}" to "{keep}"', shown, clock)
            return ended
        except psycopg.errors.ObjectInUse:
            if attempt == _RENAME_ATTEMPTS:
                raise NeontuiError(f'"{database}" at {shown} keeps getting new sessions; nothing was changed',
                                   hint="stop the application, then restore again") from None
    raise AssertionError("unreachable")


def restore_backup(url: str, backup: str, *, keep: str | None = None,
                   deadline: float = DEFAULT_RESTORE_DEADLINE) -> PlainRestore:
    """Replace the database of `url` by the backup database `backup` (see the module text). One NeontuiError line
    when a precondition fails (nothing changed) or a step fails (undone). `keep`: the preserved database's name
    (default `<database>-before-restore-<ts>`)."""
    base, database, shown = _source(url)
    if backup == database:
        raise ConfigError(f'"{backup}" is the database itself, not a backup of it')
    keep = keep or preserved_name(database)
    clock = Deadline(deadline, f"the restore of {shown}")
    with admin(base, (database, backup), clock) as (conn, _):
        owner = _check_restore(conn, database, backup, keep, shown, clock)
        ended = _rename_away(conn, database, keep, shown, clock)
        _create_from(conn, database, backup, keep, owner, shown, clock)
    return PlainRestore(database, backup, keep, ended)


def _create_from(conn: psycopg.Connection, database: str, backup: str, keep: str, owner: str, shown: str,
                 clock: Deadline) -> None:
    """CREATE DATABASE target TEMPLATE backup (owned like the old target); on failure the old one comes back."""
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
        sql.Identifier(database), sql.Identifier(backup), sql.Identifier(owner))
    try:
        ddl(conn, statement, f'create "{database}" from the backup "{backup}"', shown, clock)
    except BaseException as exc:
        undo = sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(keep), sql.Identifier(database))
        try:
            ddl(conn, undo, f'rename "{keep}" back to "{database}"', shown, Deadline(30.0, "undoing the rename"))
        except Exception as failure:
            why = failure.one_line() if isinstance(failure, NeontuiError) else type(failure).__name__
            raise NeontuiError(f"the restore failed and the database is now named {_quote(keep)}: {why}",
                               hint=f"rename it back: ALTER DATABASE {_quote(keep)} RENAME TO "
                                    f"{_quote(database)};") from None
        if isinstance(exc, NeontuiError):
            raise NeontuiError(f"{exc.message}; nothing was changed", hint=exc.hint) from None
        if isinstance(exc, Exception):  # the backup in use (ObjectInUse), or another driver error
            raise NeontuiError(f'could not create "{database}" from the backup "{backup}" at {shown}: '
                               f"{detail(exc)}; nothing was changed") from None
        raise

