"""Small builders for migrations folders and ledgers used by the unit tests."""

from __future__ import annotations

import json
from pathlib import Path

from neontui.core.ledger import Ledger, LedgerRow


def make_folder(root: Path, entries: list[dict], files: dict[str, bytes], header: dict | None = None) -> Path:
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True)
    journal = {"version": "7", "dialect": "postgresql", **(header or {}), "entries": entries}
    (out / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    for name, data in files.items():
        (out / f"{name}.sql").write_bytes(data)
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
