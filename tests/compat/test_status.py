"""`neontui status --json` against the real drizzle-kit and a real PostgreSQL.

Each test builds a state with the real `drizzle-kit migrate` (and SQL where drizzle offers no way), checks the
state neontui reports for every migration, then runs `drizzle-kit migrate` again and checks that the ledger
rows it adds are exactly neontui's "would run next" (hash and created_at), in order.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest

from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import copy_project, journal_data, write_journal
from tests.helpers import LEDGER, ledger_rows, states, status_json

pytestmark = pytest.mark.drizzle

@pytest.fixture
def project(drizzle_project: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return drizzle_project


def sql(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement.encode())


def drizzle_migrate(project: Path, url: str) -> int:
    return run_drizzle_kit(project, "migrate", env={"DATABASE_URL": url}).returncode


def migrate_and_compare(project: Path, url: str, doc: dict, table: str = LEDGER) -> None:
    """The rows drizzle-kit migrate adds must be exactly neontui's would_run_next."""
    by_tag = {m["tag"]: m for m in doc["migrations"]}
    expected = [(by_tag[t]["hash"], by_tag[t]["when"]) for t in doc["summary"]["would_run_next"]]
    before = ledger_rows(url, table)
    assert drizzle_migrate(project, url) == 0
    assert ledger_rows(url, table)[len(before):] == expected


def apply_first(project: Path, url: str, n: int) -> None:
    """Apply only the first n migrations with the real drizzle-kit by hiding the rest of the journal."""
    full = journal_data(project)
    write_journal(project, {**full, "entries": full["entries"][:n]})
    assert drizzle_migrate(project, url) == 0
    write_journal(project, full)


def custom_migration(project: Path, name: str, content: bytes) -> str:
    result = run_drizzle_kit(project, "generate", "--custom", "--name", name)
    assert "Prepared empty file" in result.stdout, result.stdout + result.stderr
    tag = journal_data(project)["entries"][-1]["tag"]
    (project / "drizzle" / f"{tag}.sql").write_bytes(content)
    return tag


def test_fresh_database_then_all_applied(project, database_url, capsys):
    code, doc = status_json(project, capsys)
    assert code == 1
    assert doc["ledger"]["exists"] is False
    assert [s for _, s in states(doc)] == ["pending"] * 5
    assert doc["summary"]["would_run_next"] == [t for t, _ in states(doc)]
    migrate_and_compare(project, database_url, doc)
    code, doc = status_json(project, capsys)
    assert code == 0 and [s for _, s in states(doc)] == ["applied"] * 5
    assert doc["summary"]["problems"] == []


def test_pending_tail(project, database_url, capsys):
    apply_first(project, database_url, 3)
    code, doc = status_json(project, capsys)
    assert code == 1
    assert [s for _, s in states(doc)] == ["applied"] * 3 + ["pending"] * 2
    migrate_and_compare(project, database_url, doc)


def test_edited_file(project, database_url, capsys):
    apply_first(project, database_url, 5)
    tag = journal_data(project)["entries"][1]["tag"]
    path = project / "drizzle" / f"{tag}.sql"
    path.write_text(path.read_text() + "\n-- reviewed by ops")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[1] == (tag, "edited")
    assert doc["migrations"][1]["ledger"]["hash"] != doc["migrations"][1]["hash"]
    assert [p["code"] for p in doc["summary"]["problems"]] == ["edited"]
    migrate_and_compare(project, database_url, doc)  # drizzle runs nothing


def test_ledger_only_row(project, database_url, capsys):
    apply_first(project, database_url, 5)
    sql(database_url, f"insert into {LEDGER} (hash, created_at) values ('{'ab' * 32}', 1000)")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[-1] == (None, "ledger-only")
    assert doc["migrations"][-1]["ledger"]["hash"] == "ab" * 32
    migrate_and_compare(project, database_url, doc)


def test_out_of_order_entry_skipped_here_but_applied_on_a_fresh_database(project, database_url, make_database,
                                                                         capsys):
    apply_first(project, database_url, 5)
    # A feature branch's migration merged after main's: newest in the journal, but with an older `when`.
    tag = custom_migration(project, "late_feature", b"CREATE TABLE late_feature (id int);")
    data = journal_data(project)
    data["entries"][-1]["when"] = data["entries"][2]["when"] + 1
    write_journal(project, data)
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[-1] == (tag, "skipped")
    assert {p["code"] for p in doc["summary"]["problems"]} == {"skipped", "when-order"}
    migrate_and_compare(project, database_url, doc)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('late_feature')").fetchone()[0] is None

    fresh = make_database()
    code, doc = status_json(project, capsys, '--url', fresh)
    assert code == 2  # the journal's order problem remains, but everything is pending here
    assert doc["summary"]["would_run_next"] == [t for t, _ in states(doc)]
    migrate_and_compare(project, fresh, doc)


def test_custom_ledger_table_and_schema(drizzle_template, tmp_path, database_url, monkeypatch, capsys):
    project = copy_project(drizzle_template, tmp_path / "custom", custom_ledger=True)
    monkeypatch.setenv("DATABASE_URL", database_url)
    apply_first(project, database_url, 2)
    code, doc = status_json(project, capsys)
    assert doc["ledger"]["table"] == '"ops"."my_migrations"'
    assert code == 1 and [s for _, s in states(doc)] == ["applied"] * 2 + ["pending"] * 3
    migrate_and_compare(project, database_url, doc, table='"ops"."my_migrations"')
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regnamespace('drizzle')").fetchone()[0] is None


def test_null_created_at_on_a_fresh_database_runs_everything(project, database_url, capsys):
    sql(database_url, "create schema drizzle; create table drizzle.__drizzle_migrations "
                      "(id serial primary key, hash text not null, created_at bigint);"
                      "insert into drizzle.__drizzle_migrations (hash) values ('baseline-by-hand')")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert [s for _, s in states(doc)] == ["pending"] * 5 + ["ledger-only"]
    assert {p["code"] for p in doc["summary"]["problems"]} == {"null-created-at", "ledger-only"}
    migrate_and_compare(project, database_url, doc)


def test_null_created_at_after_apply_reruns_and_drizzle_fails(project, database_url, capsys):
    apply_first(project, database_url, 5)
    sql(database_url, f"insert into {LEDGER} (hash) values ('by-hand')")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert doc["summary"]["would_run_next"] == [t for t, s in states(doc) if s == "pending"]
    assert len(doc["summary"]["would_run_next"]) == 5
    assert all(m["notes"] for m in doc["migrations"][:5])
    before = ledger_rows(database_url)
    assert drizzle_migrate(project, database_url) == 1  # re-running 0000 hits "relation already exists"
    assert ledger_rows(database_url) == before


def test_invalid_utf8_and_crlf_hash_like_drizzle(project, database_url, capsys):
    latin1 = custom_migration(project, "latin1", "-- café\nCREATE TABLE latin1_marker (id int);".encode("latin-1"))
    crlf = custom_migration(project, "crlf", b"CREATE TABLE crlf_marker (id int);\r\n-- done\r\n")
    code, doc = status_json(project, capsys)
    assert code == 2 and [p["code"] for p in doc["summary"]["problems"]] == ["invalid-utf8"]
    migrate_and_compare(project, database_url, doc)
    code, doc = status_json(project, capsys)
    assert [s for _, s in states(doc)] == ["applied"] * 7
    by_tag = {m["tag"]: m for m in doc["migrations"]}
    raw = (project / "drizzle" / f"{latin1}.sql").read_bytes()
    assert by_tag[latin1]["ledger"]["hash"] == by_tag[latin1]["hash"] != hashlib.sha256(raw).hexdigest()
    assert by_tag[crlf]["ledger"]["hash"] == by_tag[crlf]["hash"]


def test_legacy_journal_format(project, database_url, capsys):
    data = journal_data(project)
    data.update(version="5", dialect="pg")
    for item in data["entries"][:2]:
        item["version"] = "5"
    write_journal(project, data)
    code, doc = status_json(project, capsys)
    assert code == 1 and doc["project"]["dialect"] == "pg" and doc["project"]["journal_version"] == "5"
    migrate_and_compare(project, database_url, doc)


def test_missing_file_fails_drizzle_and_applies_nothing(project, database_url, capsys):
    tag = journal_data(project)["entries"][4]["tag"]
    (project / "drizzle" / f"{tag}.sql").unlink()
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[4] == (tag, "missing-file")
    assert drizzle_migrate(project, database_url) == 1
    assert ledger_rows(database_url) == []


def test_unlisted_file_is_reported_and_ignored_by_drizzle(project, database_url, capsys):
    (project / "drizzle" / "0099_hand_written.sql").write_text("CREATE TABLE hand_written (id int);")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[-1] == ("0099_hand_written", "unlisted-file")
    migrate_and_compare(project, database_url, doc)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('hand_written')").fetchone()[0] is None


def test_bom_is_a_problem_because_postgres_rejects_it(project, database_url, capsys):
    tag = custom_migration(project, "bom", b"\xef\xbb\xbfCREATE TABLE bom_marker (id int);")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert [(p["code"], p["tag"]) for p in doc["summary"]["problems"]] == [("bom", tag)]
    assert drizzle_migrate(project, database_url) == 1  # syntax error at the BOM; the whole batch rolls back
    assert ledger_rows(database_url) == []
