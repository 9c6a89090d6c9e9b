"""The drizzle 1.0 layout: discovery, order, identity and the history checks drizzle-kit 1.0 makes before it
migrates (pure file logic; the same cases against the real rc.5 kit live in tests/compat/test_status_v1.py)."""

from __future__ import annotations

import json

import pytest

from neontui.core.drizzle.folders import folder_millis
from neontui.core.drizzle.layout import FOLDERS, JOURNAL, detect_layout, read_migrations
from neontui.core.errors import JournalError
from tests.factories import entry, make_folder, make_folders


def codes(journal) -> list[tuple[str, str]]:
    return [(i.code, i.tag) for i in journal.issues]


def test_folders_are_read_in_migrator_order_with_their_identity(tmp_path):
    out = make_folders(tmp_path, {"20250102030405_init": b"CREATE TABLE a ();",
                                  "20250102030406_two": b"SELECT 1;\n--> statement-breakpoint\nSELECT 2;"})
    (out / "stray.sql").write_text("SELECT 3;")
    (out / "notes").mkdir()  # a folder without migration.sql or snapshot.json is not a migration
    journal = read_migrations(out)
    assert journal.layout == FOLDERS and journal.is_folders
    assert [e.tag for e in journal.entries] == ["20250102030405_init", "20250102030406_two"]
    assert journal.entries[0].when == 1735787045000  # 2025-01-02 03:04:05 UTC, whole seconds
    assert journal.entries[0].path == out / "20250102030405_init" / "migration.sql"
    assert journal.entries[1].statements == ["SELECT 1;\n", "\nSELECT 2;"]
    assert [p.name for p in journal.unlisted_files] == ["stray.sql"]
    assert journal.issues == ()


def test_same_second_folders_order_like_locale_compare(tmp_path):
    out = make_folders(tmp_path, {"20250102030405_Zeta": b"SELECT 1;", "20250102030405_alpha": b"SELECT 2;"},
                       snapshots={"20250102030405_alpha": {"prevIds": ["00000000-0000-0000-0000-000000000000"]}})
    # Code points put "Z" before "a"; localeCompare does not.
    assert [e.tag for e in read_migrations(out).entries] == ["20250102030405_alpha", "20250102030405_Zeta"]


@pytest.mark.parametrize(("name", "millis"), [
    ("20261201061453_init", 1796105693000),  # the value rc.5 recorded for this folder
    ("19700101000000_x", 0),
    ("20251301000000_month_13", 1767225600000),  # Date.UTC rolls over: 2026-01-01, as drizzle records it
    ("20250230000000_feb_30", 1740873600000),  # 2025-03-02
    ("2025_init", None),
])
def test_folder_time_is_its_first_14_characters_in_utc(name, millis):
    assert folder_millis(name) == millis


def test_history_problems_name_the_migration(tmp_path):
    out = make_folders(tmp_path, {
        "20250101000000_init": b"SELECT 1;",
        "20250101000001_old": b"SELECT 1;",
        "20250101000002_broken": b"SELECT 1;",
        "20250101000003_orphan": b"SELECT 1;",
        "20250101000004_base_again": b"SELECT 1;",
        "bad_name": b"SELECT 1;",
    }, snapshots={"20250101000001_old": {"version": "8"},
                  "20250101000003_orphan": {"prevIds": ["deleted-id"]},
                  "20250101000004_base_again": {"prevIds": ["00000000-0000-0000-0000-000000000000"]}})
    (out / "20250101000002_broken" / "snapshot.json").write_text("<<<<<<< HEAD\n{}")
    found = codes(read_migrations(out))
    assert ("snapshot-version", "20250101000001_old") in found
    assert ("snapshot", "20250101000002_broken") in found
    assert ("broken-history", "20250101000003_orphan") in found
    assert ("second-base", "20250101000004_base_again") in found
    assert ("folder-name", "bad_name") in found


def test_a_folder_that_sorts_before_its_parent_is_found(tmp_path):
    out = make_folders(tmp_path, {"20250101000000_init": b"SELECT 1;", "20250101000005_parent": b"SELECT 1;"})
    parent = json.loads((out / "20250101000005_parent" / "snapshot.json").read_text())["id"]
    child = out / "20250101000003_child"
    child.mkdir()
    (child / "migration.sql").write_text("SELECT 1;")
    (child / "snapshot.json").write_text(json.dumps({"version": "9", "id": "child-id", "prevIds": [parent]}))
    assert codes(read_migrations(out)) == [("folder-order", "20250101000003_child")]


def test_folder_without_migration_sql_is_reported_not_read(tmp_path):
    out = make_folders(tmp_path, {"20250101000000_init": b"SELECT 1;", "20250101000001_gone": None})
    journal = read_migrations(out)
    assert [e.tag for e in journal.entries] == ["20250101000000_init"]
    assert codes(journal) == [("missing-file", "20250101000001_gone")]


def test_both_layouts_or_neither_or_nothing_is_an_error_naming_what_was_found(tmp_path):
    both = make_folder(tmp_path / "both", [entry(0, "0000_a", 1000)], {"0000_a": b"SELECT 1;"})
    make_folders(tmp_path / "both", {"20250101000000_init": b"SELECT 1;"})
    with pytest.raises(JournalError, match=r"both a drizzle 0.x journal .* 1 drizzle 1.0 migration folder"):
        detect_layout(both)
    (tmp_path / "neither").mkdir()
    (tmp_path / "neither" / "README.md").write_text("x")
    with pytest.raises(JournalError, match=r"no migrations: neither .* found README.md"):
        read_migrations(tmp_path / "neither")
    empty = make_folder(tmp_path / "empty", [], {})
    assert detect_layout(empty) == JOURNAL
    with pytest.raises(JournalError, match="lists no migrations"):
        read_migrations(empty)
    assert read_migrations(empty, allow_empty=True).entries == ()
