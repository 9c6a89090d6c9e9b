"""A rehearsal: the exact pending batch, applied by the real migrator to a disposable copy of the target.

The copy is a Neon branch of the target's branch at its head (with its own read-write compute, reached on its direct
host, and an `expires_at` so that Neon removes it even if neontui cannot), or, on any other PostgreSQL, a database
made by `core.db.copy` (a template copy, or pg_dump | pg_restore while the application is connected). The batch
runs there with the same plan, timeouts and ledger as a real run, observed statement by statement
(`core.migrate.observe`: duration, locks and how long they were held, rewrites, rows); then the copy's schema is
compared with the target's (Neon's `compare_schema`, or `pg_dump --schema-only` of both), and the copy is removed
unless it is to be kept. The target itself is only read: by the copy (a template copy or a dump) and by the diff.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from neontui.core.db.copy import DatabaseCopy, drop_copy, make_copy, stamped_name
from neontui.core.db.schema_diff import SchemaDiff, diff_text, schema_diff
from neontui.core.db.url import direct_url, parse_url
from neontui.core.drizzle.journal import Journal
from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.migrate.migrator import EventHandler, MigrateOptions, migrate
from neontui.core.migrate.observe import ObservedStatement, Observer
from neontui.core.neon.client import NeonClient
from neontui.core.neon.place import NeonPlace, expiry

__all__ = ["NEON_BRANCH", "Rehearsal", "RehearsalCopy", "rehearse"]

NEON_BRANCH = "neon-branch"
EXPIRES_AFTER = 3600.0  # a rehearsal branch Neon deletes by itself after an hour, should neontui not get to it
KEPT_EXPIRES_AFTER = 7 * 86400.0  # --keep: a week to look at it, then Neon still cleans up


@dataclass(frozen=True)
class RehearsalCopy:
    """Where the rehearsal ran. `url` has the copy's password: never shown (use `target`)."""

    kind: str  # NEON_BRANCH, or core.db.copy's "template" / "dump-restore"
    name: str  # the branch or database name
    target: str  # masked host:port/database of the copy
    why: str  # why this kind, in words
    url: str = field(repr=False, default="")
    branch_id: str | None = None  # Neon
    project_id: str | None = None
    expires_at: str | None = None
    database: DatabaseCopy | None = field(default=None, repr=False)  # the plain-PostgreSQL copy, to drop it

    def label(self) -> str:
        if self.kind == NEON_BRANCH:
            return f"Neon branch {self.name} ({self.branch_id})"
        how = "a template copy" if self.kind == "template" else "pg_dump | pg_restore"
        return f'database "{self.name}" ({self.target}, {how})'

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "target": self.target, "why": self.why,
                "branch_id": self.branch_id, "project_id": self.project_id, "expires_at": self.expires_at}


@dataclass
class Rehearsal:
    target: str  # masked: what was copied
    copy: RehearsalCopy
    started_at: str  # UTC ISO 8601
    migrations: list[str]  # the batch rehearsed, in order
    applied: list[str] = field(default_factory=list)
    statements: list[ObservedStatement] = field(default_factory=list)
    error: NeontuiError | None = None  # the first failure, located (MigrationFailed) when a statement failed
    diff: SchemaDiff | None = None
    diff_error: str | None = None
    removed: bool = False
    removal_error: str | None = None
    duration: float = 0.0
    apply_duration: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.applied == self.migrations

    @property
    def exit_code(self) -> ExitCode:
        if self.error is not None:
            return self.error.exit_code
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def failure(self) -> str | None:
        """The one line that says why the rehearsal failed (None when it did not)."""
        if self.error is not None:
            return self.error.one_line()
        if not self.ok:
            return f"applied {len(self.applied)} of {len(self.migrations)} migrations on the copy"
        return None

    def evidence(self) -> dict[str, Any]:
        """What the checklist keeps as proof: when, where, what, and how it ended; no URL, no password."""
        return {"at": self.started_at, "where": self.copy.label(), "kind": self.copy.kind, "target": self.target,
                "migrations": self.migrations, "result": "ok" if self.ok else "failed", "error": self.failure(),
                "duration_s": round(self.duration, 3),
                "schema_changes": None if self.diff is None else len(self.diff.changes)}

    def to_json(self) -> dict[str, Any]:
        error = self.error
        return {"ok": self.ok, "target": self.target, "copy": self.copy.to_json(), "started_at": self.started_at,
                "migrations": self.migrations, "applied": self.applied,
                "statements": [s.to_json() for s in self.statements],
                "error": None if error is None else {"text": error.one_line(),
                                                     **(error.to_json() if hasattr(error, "to_json") else {})},
                "diff": None if self.diff is None else self.diff.to_json(), "diff_error": self.diff_error,
                "removed": self.removed, "removal_error": self.removal_error,
                "duration_s": round(self.duration, 4), "apply_duration_s": round(self.apply_duration, 4)}


@dataclass(frozen=True)
class NeonRehearsal:
    """A rehearsal on a Neon branch: the client and where the target lives."""

    client: NeonClient
    place: NeonPlace


def rehearse(url: str, journal: Journal, schema: str, table: str, options: MigrateOptions, *,
             expect: list[str], neon: NeonRehearsal | None = None, keep: bool = False,
             on_event: EventHandler | None = None, notice: Callable[[str], None] | None = None) -> Rehearsal:
    """Copy the target at `url`, apply the batch `expect` there, diff the schemas, remove the copy (unless `keep`).

    Raises a one-line NeontuiError when the copy cannot be made (nothing was run, nothing is left behind); a failure
    of the batch itself is the report's `error`, located at its statement.
    """
    say = notice or (lambda _m: None)
    started, when = time.monotonic(), datetime.now(UTC).isoformat(timespec="seconds")
    target = parse_url(direct_url(url)[0]).display_target()
    say(f"copying {target} for the rehearsal" + (" (a Neon branch)" if neon is not None else ""))
    not_removed: list[str] = []  # why removing the copy failed: then the report must not say it is gone
    with _copy(url, neon, keep, say, not_removed) as copy:
        report = Rehearsal(target, copy, when, list(expect))
        _apply(report, journal, schema, table, options, on_event)
        _diff(report, url, neon)
        if keep:
            say(f"kept {copy.label()}: neontui diff --against {copy.name} compares it; remove it when done")
    report.removed = not keep and not not_removed
    report.removal_error = not_removed[0] if not_removed else None
    report.duration = time.monotonic() - started
    return report


def _apply(report: Rehearsal, journal: Journal, schema: str, table: str, options: MigrateOptions,
           on_event: EventHandler | None) -> None:
    observer = Observer(report.copy.url)
    begun = time.monotonic()
    try:
        run = migrate(report.copy.url, journal, schema, table, replace(options, application_name="neontui rehearse"),
                      on_event, expect=report.migrations, observer=observer)
        report.applied = run.applied
    except NeontuiError as exc:
        report.error = exc
        report.applied = list(getattr(exc, "committed", None) or [])
    report.apply_duration = time.monotonic() - begun
    report.statements = observer.statements


def _diff(report: Rehearsal, url: str, neon: NeonRehearsal | None) -> None:
    """The schema change the batch makes (target → copy): a report, not a verdict, so a failure is a note."""
    try:
        if neon is not None and report.copy.branch_id is not None:
            place = neon.place
            text = neon.client.compare_schema(place.project_id, report.copy.branch_id,
                                              base_branch_id=place.branch_id, db_name=place.database)
            report.diff = diff_text(text, report.target, report.copy.label())
        else:
            report.diff = schema_diff(url, report.copy.url)
    except NeontuiError as exc:
        report.diff_error = exc.one_line()


@contextlib.contextmanager
def _copy(url: str, neon: NeonRehearsal | None, keep: bool, say: Callable[[str], None],
          not_removed: list[str]) -> Iterator[RehearsalCopy]:
    """The disposable copy for the block, removed when it ends however it ends (unless `keep` and it succeeded)."""
    copy = _neon_branch(neon, keep) if neon is not None else _database(url)
    try:
        yield copy
    except BaseException as exc:  # Ctrl-C included: the copy must not stay behind
        try:
            _remove(copy, neon)
            exc.add_note(f"the copy {copy.label()} was removed")
        except NeontuiError as failure:
            exc.add_note(failure.one_line())
        raise
    if not keep:
        try:
            _remove(copy, neon)
        except NeontuiError as exc:
            not_removed.append(exc.one_line())
            say(f"warning: {exc.one_line()}")


def _database(url: str) -> RehearsalCopy:
    made = make_copy(url)
    return RehearsalCopy(made.strategy, made.name, made.display_target(), made.why, made.url, database=made)


def _neon_branch(neon: NeonRehearsal, keep: bool) -> RehearsalCopy:
    client, place = neon.client, neon.place
    name, expires = stamped_name("rehearsal"), expiry(KEPT_EXPIRES_AFTER if keep else EXPIRES_AFTER)
    created = client.create_branch(place.project_id, parent_id=place.branch_id, name=name, expires_at=expires,
                                   endpoint=True)
    branch = created.branch
    try:
        client.wait_for_operations(created.operations)
        uri = client.connection_uri(place.project_id, branch_id=branch.id, database_name=place.database,
                                    role_name=place.role, pooled=False)
    except BaseException:
        with contextlib.suppress(NeontuiError):
            client.delete_branch(place.project_id, branch.id)
        raise
    return RehearsalCopy(NEON_BRANCH, branch.name, parse_url(uri).display_target(),
                         f"a child of {place.branch_name} at its head", uri, branch.id, place.project_id, expires)


def _remove(copy: RehearsalCopy, neon: NeonRehearsal | None) -> None:
    if copy.kind == NEON_BRANCH and neon is not None and copy.branch_id is not None:
        try:
            neon.client.delete_branch(neon.place.project_id, copy.branch_id)
        except NeontuiError as exc:
            by_hand = f"neonctl branches delete {copy.branch_id} --project-id {copy.project_id}"
            raise NeontuiError(f"the rehearsal branch {copy.name} ({copy.branch_id}) was not deleted: {exc.message}",
                               hint=f"Neon deletes it at {copy.expires_at}, or: {by_hand}") from None
        return
    if copy.database is not None:
        drop_copy(copy.database)
