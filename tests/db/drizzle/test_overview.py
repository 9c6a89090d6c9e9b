"""load_overview against a real PostgreSQL: the one read that status, the CLI and the console share — the journal
first (a broken project fails before any network wait), then the server and the ledger, never the password."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from neontui.core.db.url import parse_url
from neontui.core.drizzle.overview import load_overview
from neontui.core.drizzle.project import load_project
from neontui.core.errors import ConfigError
from tests.factories import sql_project
from tests.helpers import SECRET, SilentServer, secret_url

FILES = {"0000_init": b'CREATE TABLE "users" ("id" integer);', "0001_more": b'ALTER TABLE "users" ADD "e" text;'}


def test_states_server_and_ledger_without_the_password(tmp_path: Path, database_url: str) -> None:
    root = sql_project(tmp_path / "app", FILES, database_url=database_url, applied=1)
    overview = load_overview(load_project(root, environ={"DATABASE_URL": secret_url(database_url)}))
    assert [(m.tag, str(m.state)) for m in overview.status.migrations] == [("0000_init", "applied"),
                                                                         ("0001_more", "pending")]
    doc = overview.to_json()
    assert doc["summary"]["would_run_next"] == ["0001_more"]
    assert doc["ledger"]["exists"] and doc["ledger"]["rows"] == 1
    assert doc["database"]["database"] == parse_url(database_url).dbname
    assert doc["database"]["url_origin"] == "DATABASE_URL from the environment"
    with psycopg.connect(database_url) as conn:
        assert doc["database"]["server_version_num"] == conn.info.server_version
    assert doc["database"]["direct_switch"] is None and doc["database"]["pooled"] is False
    assert SECRET not in repr(doc) and SECRET not in repr(overview.target)


def test_a_database_without_a_ledger_has_everything_pending(tmp_path: Path, database_url: str) -> None:
    root = sql_project(tmp_path / "app", FILES)
    doc = load_overview(load_project(root, url=database_url)).to_json()
    assert doc["ledger"]["exists"] is False and doc["summary"]["would_run_next"] == ["0000_init", "0001_more"]


def test_a_broken_journal_fails_before_connecting(tmp_path: Path) -> None:
    root = sql_project(tmp_path / "app", FILES)
    (root / "drizzle" / "meta" / "_journal.json").write_text("{")
    server = SilentServer()  # a connection attempt would hang here
    try:
        with pytest.raises(ConfigError):
            load_overview(load_project(root, url=server.url()))
        assert server.accepted == []
    finally:
        server.close()


@pytest.mark.parametrize(("dialect", "environ", "fragment"), [
    ("mysql", {"DATABASE_URL": "postgresql://u@h/db"}, "neontui works with PostgreSQL projects"),
    ("postgresql", {}, "no database URL"),
])
def test_refused_before_any_read(tmp_path: Path, dialect: str, environ: dict[str, str], fragment: str) -> None:
    root = sql_project(tmp_path / "app", FILES, dialect=dialect)
    with pytest.raises(ConfigError, match=fragment):
        load_overview(load_project(root, environ=environ))
