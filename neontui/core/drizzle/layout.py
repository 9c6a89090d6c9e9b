"""Which drizzle line made a migrations folder, and its migrations read the way that line's migrator reads them.

The one entry every command uses (status, lint, dry run, migrate, the console): a 0.x `meta/_journal.json` or 1.0
folders `<YYYYMMDDHHMMSS>_<name>/migration.sql`. A folder with both, or with neither, is an error that names what was
found, and so is a layout that holds no migration at all: no command passes silently on it.
"""

from __future__ import annotations

from pathlib import Path

from neontui.core.drizzle.file_facts import FactsCache
from neontui.core.drizzle.folders import MIGRATION_FILE, has_folders, read_folders
from neontui.core.drizzle.journal import JOURNAL_RELPATH, Journal, Migration, read_journal
from neontui.core.errors import JournalError

JOURNAL = "journal"  # drizzle-kit 0.x: meta/_journal.json lists the migrations
FOLDERS = "folders"  # drizzle-kit 1.0: one folder per migration


def detect_layout(out_dir: Path) -> str:
    """"journal" or "folders"; a JournalError naming what was found when it is both or neither."""
    return _detect(out_dir)[0]


def _detect(out_dir: Path) -> tuple[str, list[Path]]:
    """The layout and the migration folders found (listed once, for read_folders too)."""
    journal = (out_dir / JOURNAL_RELPATH).exists()
    folders = has_folders(out_dir)
    if journal and folders:
        raise JournalError(
            f"{out_dir}: holds both a drizzle 0.x journal ({JOURNAL_RELPATH}) and {len(folders)} drizzle 1.0 "
            f"migration folder(s) ({folders[0].name}/…): drizzle 1.0 refuses it and 0.x ignores the folders",
            hint="finish the upgrade with drizzle-kit up (see neontui upgrade), or remove the folders 0.x does not "
                 "know")
    if journal:
        return JOURNAL, []
    if folders:
        return FOLDERS, folders
    raise JournalError(f"{out_dir}: no migrations: neither {JOURNAL_RELPATH} (drizzle 0.x) nor "
                       f"<YYYYMMDDHHMMSS>_<name>/{MIGRATION_FILE} folders (drizzle 1.0); {_found(out_dir)}",
                       hint="run drizzle-kit generate, or pass --out if the migrations live elsewhere")


def read_migrations(out_dir: Path, *, allow_empty: bool = False, cached_facts: bool = False) -> Journal:
    """The project's migrations in the order its drizzle line applies them. Zero migrations is a JournalError
    unless `allow_empty` (generate, which is about to write the first one). `cached_facts`: status's read, where an
    unchanged file's facts come from the file-facts cache and its bytes are not loaded; never for a run, which
    needs the bytes it hashes and sends."""
    layout, candidates = _detect(out_dir)
    facts = FactsCache(out_dir) if cached_facts else None
    if layout == JOURNAL:
        journal = read_journal(out_dir, facts)
        where = f"{journal.path} lists no migrations"
    else:
        folders = read_folders(out_dir, candidates, facts)
        journal = Journal(path=out_dir, folder=out_dir, version=_latest_version(folders.entries), dialect="postgresql",
                          entries=folders.entries, unlisted_files=folders.loose_files, layout=FOLDERS,
                          folders=folders)
        where = f"{out_dir}: no migration folder holds a {MIGRATION_FILE}"
    if not journal.entries and not allow_empty:
        raise JournalError(f"{where}: there is nothing to show or run", hint="run drizzle-kit generate")
    return journal


def _latest_version(entries: tuple[Migration, ...]) -> str | None:
    return entries[-1].version if entries else None


def _found(out_dir: Path) -> str:
    if not out_dir.exists():
        return "the folder does not exist"
    if not out_dir.is_dir():
        return "it is not a folder"
    try:
        names = sorted(p.name + ("/" if p.is_dir() else "") for p in out_dir.iterdir())
    except OSError as exc:
        return f"cannot list it: {exc.strerror}"
    if not names:
        return "the folder is empty"
    shown = ", ".join(names[:5]) + (f", … ({len(names)} in all)" if len(names) > 5 else "")
    return f"found {shown}"
