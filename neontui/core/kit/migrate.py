"""`drizzle-kit migrate` under neontui's guarantees: the drizzle-kit engine of `neontui migrate`.

By itself drizzle-kit takes no lock (concurrent runs apply a batch twice, docs/compatibility.md#drizzle-no-lock) and
reads the migrations folder when it starts (a file edited after the review would be applied unreviewed). So a neontui
session holds the native engine's advisory lock for the whole run; under it the ledger is read again and nothing runs
unless what is pending is still the reviewed batch (PendingChanged, as in the native engine); drizzle-kit then runs on a
private copy of the folder as the review read it, through a generated config, and the rows it added are returned for the
caller to check against the reviewed hashes. A failure is replayed (and rolled back) under the same lock.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from neontui.core.db.connect import connect
from neontui.core.drizzle.folders import MIGRATION_FILE, SNAPSHOT_FILE
from neontui.core.drizzle.journal import JOURNAL_RELPATH, Journal, migration_path, read_regular_file
from neontui.core.drizzle.ledger import LedgerRow, read_ledger
from neontui.core.drizzle.pending import pending_entries, predict_v1_upgrade
from neontui.core.drizzle.project import Project
from neontui.core.errors import ConfigError
from neontui.core.kit.discovery import url_variable
from neontui.core.kit.prereqs import dialect_check
from neontui.core.migrate.dryrun import DryRunReport, dry_run
from neontui.core.migrate.migrator import (
    acquire_lock,
    check_reviewed,
    check_runnable,
    refuse_unmatched,
    release_lock,
)

# drizzle-kit 0.31 loads any --config path (any extension) through its tsx hook, but from outside the project an
# import of 'drizzle-kit' does not resolve, so the config imports nothing. CommonJS, because tsx caches every
# config it has to transform (TypeScript, ESM) in $TMPDIR/tsx-<uid>, where a copy would outlive the private folder.
CONFIG_NAME = "drizzle.config.cjs"
APPLICATION_NAME = "neontui migrate (drizzle-kit)"  # the lock holder's name in "another migration is running"


@dataclass
class KitRun:
    returncode: int
    lines: list[str]  # drizzle-kit's output, cleaned and redacted
    added: list[LedgerRow]  # the ledger rows that appeared during the run, in id order
    replay: DryRunReport | None  # when drizzle-kit failed: the batch replayed and rolled back, to say why


def kit_migrate(project: Project, journal: Journal, url: str, expect: list[str], *, lock_wait: float,
                on_event: Callable[[object], None], deadline: float | None = None) -> KitRun:
    """Run the project's drizzle-kit on the reviewed `journal` while holding the migration lock.

    `url` is the direct endpoint; `expect` the reviewed batch (tags); `deadline` connect's. Raises MigrationLocked
    after `lock_wait` seconds, PendingChanged when something else is pending under the lock (drizzle-kit is not
    started then).
    """
    from neontui.core.kit.commands import run_session  # node-specific: imported only for this engine
    from neontui.core.kit.session import KitSession

    schema, table = project.ledger_schema, project.ledger_table
    check_runnable(journal)  # what drizzle-kit 1.0 refuses is refused in neontui's words, before the lock
    with connect(url, application_name=APPLICATION_NAME, deadline=deadline) as conn:
        acquire_lock(conn, schema, table, lock_wait)
        try:
            before = read_ledger(conn, schema, table)
            if journal.is_folders and before.exists and not before.is_v1:  # drizzle 1.0's upgrade would throw
                refuse_unmatched(before, predict_v1_upgrade(journal.entries, before.rows))
            check_reviewed(pending_entries(journal, before), expect)
            with reviewed_copy(project, journal) as config:
                session = KitSession(project, "migrate", url=url, config=config).start()
                try:
                    returncode, _, _ = run_session(session, lambda _prompt: None, on_event)
                except BaseException:  # interrupted or terminated: drizzle-kit must not go on once the lock is gone
                    session.cancel()
                    raise
            known = {r.id for r in before.rows}
            added = [r for r in read_ledger(conn, schema, table).rows if r.id not in known]
            replay = dry_run(conn, journal, schema, table) if returncode != 0 else None  # the lock is re-entrant
        finally:
            release_lock(conn, schema, table)
    return KitRun(returncode, session.lines, added, replay)


@contextmanager
def reviewed_copy(project: Project, journal: Journal) -> Iterator[Path]:
    """A private temporary folder (mode 0700) holding the migrations exactly as reviewed, and a config pointing
    drizzle-kit at them; yields the config's path and removes everything afterwards, whatever happened."""
    with tempfile.TemporaryDirectory(prefix="neontui-kit-") as tmp:
        out = Path(tmp) / "migrations"
        config_text = config_source(project, out)
        if journal.is_folders:
            write_folders(journal, out)
        else:
            write_folder(journal, out)
        config = Path(tmp) / CONFIG_NAME
        config.write_text(config_text, encoding="utf-8")
        yield config


def write_folder(journal: Journal, out: Path) -> None:
    """`meta/_journal.json` and every listed file as read for the review (drizzle-kit migrate reads nothing else);
    a missing file stays missing, so drizzle-kit fails on it as it would on the project's folder."""
    (out / JOURNAL_RELPATH).parent.mkdir(parents=True)
    entries = [{"idx": m.idx, "version": m.version, "when": m.when, "tag": m.tag, "breakpoints": m.breakpoints}
               for m in journal.entries]
    document = {"version": journal.version, "dialect": journal.dialect, "entries": entries}
    (out / JOURNAL_RELPATH).write_text(json.dumps(document, indent=2), encoding="utf-8")
    root = out.resolve()
    for migration in journal.entries:
        if migration.raw is None:
            continue
        path = migration_path(out, migration.tag)
        if not path.resolve().is_relative_to(root):  # e.g. a tag "../x": drizzle would read outside the folder
            raise ConfigError(f"journal tag {migration.tag!r} names a file outside the migrations folder, so the "
                              "drizzle-kit engine cannot run a copy of it", hint="use --engine native")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(migration.raw)


def write_folders(journal: Journal, out: Path) -> None:
    """A drizzle 1.0 folder layout: `<folder>/migration.sql` byte for byte as reviewed, and every folder's
    snapshot.json (also of a folder without migration.sql: drizzle-kit 1.0 checks the snapshot history before it
    migrates, and a later snapshot may build on it). No meta/: drizzle 1.0 refuses a folder holding a journal."""
    assert journal.folders is not None  # a "folders" journal always carries them (layout.read_migrations)
    out.mkdir()
    for name, snapshot in journal.folders.snapshots.items():
        (out / name).mkdir()
        try:
            (out / name / SNAPSHOT_FILE).write_bytes(read_regular_file(snapshot.path))
        except FileNotFoundError:  # none in the project either: drizzle-kit then leaves the folder out of its checks
            continue
        except OSError as exc:
            raise ConfigError(f"{snapshot.path}: cannot read: {exc.strerror}") from None
    for migration in journal.entries:
        if migration.raw is not None:
            (out / migration.tag).mkdir(exist_ok=True)
            (out / migration.tag / MIGRATION_FILE).write_bytes(migration.raw)


def config_source(project: Project, out: Path) -> str:
    """The project's dialect and ledger, `out` at the copy, and the URL read from the environment variable the
    project's config reads (KitSession sets it): the password is never written to the file."""
    check = dialect_check(project.config)
    if not check.ok:
        raise ConfigError(check.detail, hint=check.fix)
    literal = {key: json.dumps(value) for key, value in (
        ("dialect", project.config.dialect), ("out", str(out)), ("variable", url_variable(project)),
        ("table", project.ledger_table), ("schema", project.ledger_schema))}
    return ("// Written by neontui for one drizzle-kit migrate run on the reviewed files; removed after the run.\n"
            "module.exports = {\n"
            f"  dialect: {literal['dialect']},\n"
            f"  out: {literal['out']},\n"
            f"  dbCredentials: {{ url: process.env[{literal['variable']}] }},\n"
            f"  migrations: {{ table: {literal['table']}, schema: {literal['schema']} }},\n"
            "};\n")
