"""Small builders for migrations folders and ledgers used by the unit tests."""

from __future__ import annotations

import json
from pathlib import Path

from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import read_journal
from neontui.core.drizzle.ledger import Ledger, LedgerRow
from neontui.core.migrate.migrator import run
from neontui.core.safety.model import DangerClass, Finding, Severity

CONFIG_TS = """import { defineConfig } from 'drizzle-kit';
export default defineConfig({
  dialect: '%s',
  schema: './schema.ts',
  out: %s,
  dbCredentials: { url: process.env.DATABASE_URL! },
});
"""


def make_folder(root: Path, entries: list[dict], files: dict[str, bytes], header: dict | None = None) -> Path:
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True)
    journal = {"version": "7", "dialect": "postgresql", **(header or {}), "entries": entries}
    (out / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    for name, data in files.items():
        (out / f"{name}.sql").write_bytes(data)
    return out


def make_folders(root: Path, files: dict[str, bytes | None], *, snapshots: dict[str, dict] | None = None) -> Path:
    """A drizzle 1.0 migrations folder: `files` maps folder names to migration.sql bytes (None: no migration.sql),
    each with a version 9 snapshot.json chained to the previous folder's (override per folder in `snapshots`)."""
    out = root / "drizzle"
    previous = "00000000-0000-0000-0000-000000000000"
    for number, (name, data) in enumerate(files.items()):
        folder = out / name
        folder.mkdir(parents=True)
        if data is not None:
            (folder / "migration.sql").write_bytes(data)
        snapshot_id = f"{number + 1:08d}-0000-4000-8000-000000000000"
        snapshot = {"version": "9", "dialect": "postgres", "id": snapshot_id, "prevIds": [previous],
                    **(snapshots or {}).get(name, {})}
        (folder / "snapshot.json").write_text(json.dumps(snapshot, indent=2))
        previous = snapshot_id
    return out


def entry(idx: int, tag: str, when: int, **extra) -> dict:
    return {"idx": idx, "version": "7", "when": when, "tag": tag, "breakpoints": True, **extra}


def ledger(*rows: tuple[str, int | None], exists: bool = True) -> Ledger:
    """A ledger whose `latest` is chosen like PostgreSQL's ORDER BY created_at DESC (NULLs first)."""
    built = tuple(LedgerRow(id=i + 1, hash=h, created_at=c) for i, (h, c) in enumerate(rows))
    nulls = [r for r in built if r.created_at is None]
    latest = nulls[0] if nulls else max(built, key=lambda r: r.created_at, default=None)
    return Ledger("drizzle", "__drizzle_migrations", exists, ("id", "hash", "created_at") if exists else (),
                  built, latest)


def sql_project(root: Path, files: dict[str, bytes], *, database_url: str | None = None, applied: int = 0,
                dialect: str = "postgresql", out: str = "'./drizzle'") -> Path:
    """A drizzle project whose migrations are `files` (tag → SQL, in order, `when` 1000, 2000, …); the first
    `applied` of them applied to `database_url` with neontui's drizzle-compatible migrator."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "drizzle.config.ts").write_text(CONFIG_TS % (dialect, out))
    make_folder(root, [entry(i, tag, (i + 1) * 1000) for i, tag in enumerate(files)], files)
    if applied:
        assert database_url is not None
        with connect(database_url) as conn:
            run(conn, read_journal(root / "drizzle"), "drizzle", "__drizzle_migrations", limit=applied)
    return root


def finding(rule: str = "rule", danger: DangerClass = DangerClass.OTHER, severity: Severity = Severity.WARNING, *,
            tag: str = "0001_users", statement: int = 0, line: int = 1, suppressed: bool = False) -> Finding:
    """A finding as the review reports one, for code that consumes findings (checklist, policy, panes, audit)."""
    return Finding(rule=rule, severity=severity, danger=danger, tag=tag, statement=statement, line=line, column=1,
                   message=f"{rule} at {tag}:{line}", lock=None, blocks=None, explanation="why", help="do this",
                   suppressed=suppressed, suppressed_by="-- neontui-ignore" if suppressed else None)


def long_tag_project(root: Path, database_url: str, *, count: int = 300, pending: int = 5) -> Path:
    """A real project's shape: `count` migrations with long tags (`0123_resource_permissions_and_…`), generated a
    day apart from 2024-01-01, all but the last `pending` applied to `database_url` by neontui's migrator."""
    words = ("resource_permissions", "messenger_credentials", "billing_invoices", "audit_trail", "team_members")
    files = {f"{i:04d}_{words[i % 5]}_and_{words[(i + 2) % 5]}":
             f'CREATE TABLE "t{i:04d}" ("id" integer PRIMARY KEY, "note" text);'.encode() for i in range(count)}
    start, day = 1_704_067_200_000, 86_400_000  # 2024-01-01T00:00Z, in the journal's epoch milliseconds
    root.mkdir(parents=True, exist_ok=True)
    (root / "drizzle.config.ts").write_text(CONFIG_TS % ("postgresql", "'./drizzle'"))
    make_folder(root, [entry(i, tag, start + i * day + 9 * 3_600_000) for i, tag in enumerate(files)], files)
    with connect(database_url) as conn:
        run(conn, read_journal(root / "drizzle"), "drizzle", "__drizzle_migrations", limit=count - pending)
    return root
