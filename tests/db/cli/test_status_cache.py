"""`neontui status` judges an unchanged project from its file-facts cache (core/drizzle/file_facts.py): the same
document as reading every file, and an edited file is always read again, however its edit tried to hide."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from neontui.core.drizzle import file_facts
from neontui.core.drizzle.file_facts import cache_file
from tests.factories import sql_project
from tests.helpers import states, status_json

B = b"--> statement-breakpoint\n"
FILES = {"0000_init": b'CREATE TABLE "users" ("id" serial PRIMARY KEY);\n' + B + b'CREATE INDEX ON "users" (id);\n',
         "0001_name": b'ALTER TABLE "users" ADD COLUMN "name" text;\n',
         "0002_pending": b'ALTER TABLE "users" ADD COLUMN "nick" text;\n'}


@pytest.fixture
def project(tmp_path, database_url, monkeypatch):
    # Files written a moment ago are never cached (RACY_NS); these tests want them cached at once.
    monkeypatch.setattr(file_facts, "RACY_NS", -10**12)
    return sql_project(tmp_path / "app", FILES, database_url=database_url, applied=2)


def stored(root: Path) -> dict:
    return json.loads(cache_file(root / "drizzle").read_text())["files"]


def test_a_cached_run_prints_the_same_document(project, database_url, capsys):
    first = status_json(project, capsys, "--url", database_url)
    assert len(stored(project)) == 3  # every listed file's facts, no SQL text
    assert "ADD COLUMN" not in cache_file(project / "drizzle").read_text()
    second = status_json(project, capsys, "--url", database_url)
    assert second == first
    assert states(first[1]) == [("0000_init", "applied"), ("0001_name", "applied"), ("0002_pending", "pending")]


def test_the_cache_is_what_status_reads_for_an_unchanged_file(project, database_url, capsys):
    """Proof that the cache is consulted: a planted hash for an unchanged file is believed (edited), and the same
    planted hash is ignored once the file's signature moves."""
    status_json(project, capsys, "--url", database_url)
    path = cache_file(project / "drizzle")
    data = json.loads(path.read_text())
    key = str(project / "drizzle" / "0001_name.sql")
    data["files"][key][1][0] = "0" * 64
    path.write_text(json.dumps(data))
    assert ("0001_name", "edited") in states(status_json(project, capsys, "--url", database_url)[1])
    os.utime(project / "drizzle" / "0001_name.sql")  # a touch moves mtime and ctime
    path.write_text(json.dumps(data))
    assert ("0001_name", "applied") in states(status_json(project, capsys, "--url", database_url)[1])


def test_an_edit_with_the_same_size_and_the_old_mtime_is_seen(project, database_url, capsys):
    status_json(project, capsys, "--url", database_url)
    sql = project / "drizzle" / "0001_name.sql"
    before = sql.stat()
    sql.write_bytes(sql.read_bytes().replace(b'"name"', b'"nome"'))
    os.utime(sql, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -d` or a checkout can do
    assert sql.stat().st_size == before.st_size and sql.stat().st_mtime_ns == before.st_mtime_ns
    _code, doc = status_json(project, capsys, "--url", database_url)
    assert ("0001_name", "edited") in states(doc)


def test_a_file_replaced_by_another_is_read_again(project, database_url, capsys):
    status_json(project, capsys, "--url", database_url)
    sql = project / "drizzle" / "0001_name.sql"
    replacement = sql.with_suffix(".new")
    replacement.write_bytes(FILES["0001_name"].replace(b"text", b"date"))
    os.replace(replacement, sql)  # an editor's save-by-rename: a new inode
    assert ("0001_name", "edited") in states(status_json(project, capsys, "--url", database_url)[1])


@pytest.mark.parametrize("damage", ["garbage", "other folder", "old format", "rows of the wrong shape"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(project, database_url, capsys, damage):
    first = status_json(project, capsys, "--url", database_url)
    path = cache_file(project / "drizzle")
    data = json.loads(path.read_text())
    if damage == "garbage":
        path.write_bytes(b"\x00{not json")
    else:
        if damage == "other folder":
            data["folder"] = "/elsewhere/drizzle"
        elif damage == "old format":
            data["format"] = 0
        else:
            data["files"] = {k: [v[0], ["x", "y"]] for k, v in data["files"].items()}
        path.write_text(json.dumps(data))
    assert status_json(project, capsys, "--url", database_url) == first
    assert len(stored(project)) == 3


def test_an_unwritable_cache_folder_costs_nothing_but_speed(project, database_url, capsys, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    first = status_json(project, capsys, "--url", database_url)
    assert first[0] == 1 and states(first[1])[-1] == ("0002_pending", "pending")
    assert status_json(project, capsys, "--url", database_url) == first


def test_a_missing_file_is_reported_not_cached(project, database_url, capsys):
    status_json(project, capsys, "--url", database_url)
    (project / "drizzle" / "0001_name.sql").unlink()
    code, doc = status_json(project, capsys, "--url", database_url)
    assert code == 2 and ("0001_name", "missing-file") in states(doc)
    assert str(project / "drizzle" / "0001_name.sql") not in stored(project)
