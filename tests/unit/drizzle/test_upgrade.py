"""The upgrade preview and the snapshot repair on crafted 0.x folders (what the real rc.5 `up` does with the same
folders is in tests/compat/test_upgrade.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from neontui.core.actions.upgrade import DatabaseMapping, applied_folders, map_ledger
from neontui.core.drizzle.ledger import Ledger, LedgerRow
from neontui.core.drizzle.snapshot_repair import apply_repair, plan_repair
from neontui.core.drizzle.upgrade import Preview, folder_name, preview, sorts_after
from neontui.core.errors import JournalError
from tests.factories import entry, make_folder

ZERO = "00000000-0000-0000-0000-000000000000"
# 2026-12-01 10:32:13.941 UTC, then a minute apart
WHENS = [1796121133941, 1796121194941, 1796121255941]
TAGS = ["0000_init", "0001_add_email", "0002_add_index"]


def snapshot(out: Path, prefix: str, snapshot_id: str, prev: str) -> None:
    data = {"id": snapshot_id, "prevId": prev, "version": "7", "dialect": "postgresql", "tables": {}, "enums": {},
            "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
            "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    (out / "meta" / f"{prefix}_snapshot.json").write_text(json.dumps(data, indent=2))


def project(tmp_path: Path, whens: list[int] = WHENS, tags: list[str] = TAGS) -> Path:
    """A linear 0.x folder: ids id-0, id-1, … each following the previous."""
    out = make_folder(tmp_path, [entry(i, t, w) for i, (t, w) in enumerate(zip(tags, whens, strict=True))],
                      {t: f"CREATE TABLE t{i} (id int);".encode() for i, t in enumerate(tags)})
    for i, tag in enumerate(tags):
        snapshot(out, tag.split("_")[0], f"id-{i}", f"id-{i - 1}" if i else ZERO)
    return out


def codes(plan: Preview) -> dict[str, list[str]]:
    return {p.code: list(p.migrations) for p in plan.problems}


def frozen(out: Path) -> dict[str, str]:
    files = [*out.glob("*.sql"), out / "meta" / "_journal.json"]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.parametrize(("tag", "when", "folder"), [
    ("0003_brave_wolverine", 1796121133941, "20261201103213_brave_wolverine"),  # UTC, milliseconds dropped
    ("20261121053014_first", 1796121133000, "20261201103213_first"),  # timestamp prefix: only the name is kept
    ("_first", 1796121133000, "20261201103213_first"),  # prefix "none"
    ("0001_a_b_c", 1796121133000, "20261201103213_a_b_c"),
    ("0001", 1796121133000, "20261201103213_"),  # no name: JavaScript's [].join("_") is ""
    ("0001_old", -1, "19691231235959_old"),  # Date floors toward the past
    ("0001_far", 10**16, None),  # an Invalid Date
])
def test_folder_name_is_ups(tag, when, folder):
    assert folder_name(tag, when) == folder


def test_sorts_after_compares_like_up():
    assert sorts_after("20261201103214_drop_body", "20261201103214_add_author_index")
    assert not sorts_after("20261201103214_add_author_index", "20261201103214_add_created_at")
    assert not sorts_after("20261201103214_x", "20261201103214_x")


def test_clean_folder_moves_every_entry(tmp_path):
    out = project(tmp_path)
    plan = preview(out)
    assert plan.needed and plan.problems == ()
    assert [(m.tag, m.folder, m.lost_ms) for m in plan.moves] == [
        ("0000_init", "20261201103213_init", 941), ("0001_add_email", "20261201103314_add_email", 941),
        ("0002_add_index", "20261201103415_add_index", 941)]
    assert [(e.tag, e.when) for e in plan.entries] == [(m.folder, m.folder_millis) for m in plan.moves]
    assert plan.entries[0].when == 1796121133000 and plan.entries[0].hash == hashlib.sha256(
        b"CREATE TABLE t0 (id int);").hexdigest()


def test_same_second_reorder_and_loose_files(tmp_path):
    second = 1796121134000
    out = project(tmp_path, [second - 5000, second + 100, second + 600], ["0000_init", "0001_zeta", "0002_alpha"])
    (out / "9999_manual.sql").write_text("select 1;")
    plan = preview(out)
    assert codes(plan)["reorder"] == ["0001_zeta", "0002_alpha"]
    assert codes(plan)["same-second"] == ["0001_zeta", "0002_alpha"]
    assert "at least 1796121135000" in next(p.message for p in plan.problems if p.code == "reorder")
    assert [p.name for p in plan.loose_files] == ["9999_manual.sql"]
    assert [e.tag for e in plan.entries] == ["20261201103209_init", "20261201103214_alpha", "20261201103214_zeta"]


def test_missing_sql_and_fallback(tmp_path):
    out = project(tmp_path)
    (out / "0001_add_email.sql").rename(out / "0001_renamed.sql")
    (out / "0002_add_index.sql").unlink()
    plan = preview(out)
    assert codes(plan)["sql-fallback"] == ["0001_add_email"]
    assert codes(plan)["missing-sql"] == ["0002_add_index"]
    assert plan.moves[1].sql_path == out / "0001_renamed.sql" and plan.loose_files == ()
    assert [p.code for p in plan.blocking] == ["missing-sql"] and not plan.repairable


@pytest.mark.parametrize("breakage", ["deleted", "missing", "duplicate", "zero"])
def test_repair_rewrites_snapshots_only_and_clears_the_chain(tmp_path, breakage):
    out = project(tmp_path, [*WHENS, WHENS[-1] + 61_000], [*TAGS, "0003_more"])
    meta = out / "meta"
    if breakage == "deleted":
        snapshot(out, "0002", "id-2", "gone")
    elif breakage == "missing":
        (meta / "0001_snapshot.json").unlink()
    elif breakage == "duplicate":
        snapshot(out, "0002", "id-1", "id-1")
    else:
        for i in range(4):
            snapshot(out, f"000{i}", ZERO, ZERO)
    expected = {"deleted": "deleted-parent", "missing": "missing-snapshot", "duplicate": "duplicate-id",
                "zero": "duplicate-id"}[breakage]
    plan = preview(out)
    assert expected in codes(plan) and plan.repairable
    before = frozen(out)
    untouched = {p.name: p.read_bytes() for p in meta.glob("*_snapshot.json")}
    apply_repair(plan_repair(plan))
    assert frozen(out) == before
    after = preview(out)
    assert after.problems == ()
    chain = [json.loads((meta / f"000{i}_snapshot.json").read_text()) for i in range(4)]
    assert chain[0]["prevId"] == ZERO and len({s["id"] for s in chain}) == 4 and ZERO not in {s["id"] for s in chain}
    assert all(chain[i]["prevId"] == chain[i - 1]["id"] for i in range(1, 4))
    if breakage == "deleted":  # only the broken one was written
        assert {n for n, raw in untouched.items() if (meta / n).read_bytes() != raw} == {"0002_snapshot.json"}


def test_repair_cannot_invent_a_first_snapshot(tmp_path):
    out = project(tmp_path)
    (out / "meta" / "0000_snapshot.json").unlink()
    with pytest.raises(JournalError, match="first migration"):
        plan_repair(preview(out))


def test_ledger_mapping_unmatched_and_reapplied(tmp_path):
    out = project(tmp_path)
    plan = preview(out)
    from neontui.core.drizzle.journal import read_journal

    old = list(read_journal(out).entries)
    rows = tuple(LedgerRow(i + 1, e.hash or "", e.when) for i, e in enumerate(old[:2]))
    unknown = LedgerRow(3, "ab" * 32, 1000)
    ledger = Ledger("drizzle", "__drizzle_migrations", True, ("id", "hash", "created_at"), (*rows, unknown), unknown)
    mapping = DatabaseMapping("project", "db", ledger=ledger)
    map_ledger(mapping, plan.entries, applied_folders(plan, old, ledger))
    assert mapping.names == {1: "20261201103213_init", 2: "20261201103314_add_email"}
    assert mapping.unmatched == [3] and mapping.pending == ["20261201103415_add_index"]
    assert mapping.reapplied == [] and "match no folder" in mapping.problems[0]
    # A 1.0 ledger whose row lost its name: that migration runs again.
    v1 = Ledger("drizzle", "__drizzle_migrations", True, ("id", "hash", "created_at", "name"),
                (LedgerRow(1, rows[0].hash, rows[0].created_at, "20261201103213_init"),
                 LedgerRow(2, rows[1].hash, rows[1].created_at, None)), None)
    mapping = DatabaseMapping("staging", "db", ledger=v1)
    map_ledger(mapping, plan.entries, {"20261201103213_init", "20261201103314_add_email"})
    assert mapping.reapplied == ["20261201103314_add_email"]


def test_already_folders_is_nothing_to_do(tmp_path):
    folder = tmp_path / "drizzle" / "20261201103213_init"
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text("select 1;")
    (folder / "snapshot.json").write_text(json.dumps({"id": "a", "prevIds": [ZERO], "version": "9"}))
    plan = preview(tmp_path / "drizzle")
    assert not plan.needed and plan.moves == ()


def test_cli_text_preview_and_repair(tmp_path, monkeypatch, capsys):
    from neontui.cli.main import main
    from tests.factories import CONFIG_TS

    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = project(tmp_path)
    (tmp_path / "drizzle.config.ts").write_text(CONFIG_TS % ("postgresql", "'./drizzle'"))
    assert main(["upgrade", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "0001_add_email  →  20261201103314_add_email/  (941 ms lost, snapshot v7 → v9)" in text
    assert "databases: none configured" in text

    snapshot(out, "0001", "id-1", "gone")
    assert main(["upgrade", str(tmp_path), "--apply"]) == 2  # refused before the kit is even looked at
    text = capsys.readouterr().out
    assert "✗ deleted-parent (repairable): 0001_add_email" in text and "run with --repair" in text
    # what needs a decision comes before the (on real projects, hundreds of lines long) list of renames
    assert text.index("✗ deleted-parent") < text.index("databases:") < text.index("migrations (3): journal tag")
    assert main(["upgrade", str(tmp_path), "--repair"]) == 0
    text = capsys.readouterr().out
    assert "snapshot repair written:" in text and "relinked: meta/0001_snapshot.json" in text
    records = (tmp_path / ".neontui" / "audit.jsonl").read_text().splitlines()
    assert [json.loads(r)["result"] for r in records] == ["refused", "ok"]
