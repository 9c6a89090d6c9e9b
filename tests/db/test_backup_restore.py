"""Backup, diff and restore on plain PostgreSQL, end to end through the CLI: a kept copy database as the backup, a
migration applied with `neontui migrate`, the diff that shows it, and the restore that swaps the database back
(the state before kept under another name). Real server, real pg_dump (the embedded server's own)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from neontui.core.db.connect import connect, server_info
from neontui.core.db.url import parse_url, with_database
from tests.factories import sql_project
from tests.helpers import (
    SECRET,
    assert_one_line_error,
    bundled_pg_dump_dir,
    ledger_rows,
    neontui,
    secret_url,
    table_columns,
    table_exists,
)

B = "--> statement-breakpoint\n"
FILES = {
    "0000_users": b'CREATE TABLE "users" ("id" integer, "name" text);',
    "0001_orders": f'CREATE TABLE "orders" ("id" integer);{B}ALTER TABLE "users" ADD COLUMN "email" text;'.encode(),
}


def _databases(admin_url: str, pattern: str) -> list[str]:
    with psycopg.connect(admin_url) as conn:
        return [r[0] for r in conn.execute("select datname from pg_database where datname like %s", (pattern,))]


@pytest.fixture
def url(database_url: str, pg_admin_url: str) -> Iterator[str]:
    """The test database (its URL with the test secret); the backups and preserved databases made of it are
    dropped afterwards."""
    name = parse_url(database_url).dbname or ""
    yield secret_url(database_url)
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        for made in _databases(pg_admin_url, "neontui-backup-%") + _databases(pg_admin_url, f"{name}-before-%"):
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(made)))


@pytest.fixture
def env(url: str) -> dict[str, str]:
    """PATH with a pg_dump that can dump the test server (the system's may be older)."""
    with connect(url) as conn:
        major = server_info(conn).version_num // 10000
    directory = bundled_pg_dump_dir(major)
    if directory is None:
        pytest.skip("no pg_dump that can dump the test server")
    return {"PATH": f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.fixture
def app(tmp_path: Path, url: str) -> Path:
    return sql_project(tmp_path / "app", FILES, database_url=url, applied=1)




def test_backup_migrate_diff_restore(app: Path, url: str, env: dict[str, str], tmp_path: Path) -> None:
    database = parse_url(url).dbname or ""
    state = tmp_path / "state"
    taken = neontui("backup", str(app), "--json", url=url, env=env, state=state)
    assert taken.returncode == 0, taken.stderr
    backup = json.loads(taken.stdout)["backup"]
    assert backup["name"].startswith("neontui-backup-") and backup["kind"] == "database-copy"
    assert backup["restore"][0] == f"neontui restore --to {backup['name']}"
    listed = neontui("backup", str(app), "--list", "--json", url=url, env=env, state=state)
    assert [b["name"] for b in json.loads(listed.stdout)["backups"]] == [backup["name"]]

    checklist = json.loads(neontui("checklist", str(app), "--json", url=url, state=state).stdout)
    item = next(i for i in checklist["items"] if i["id"] == "backup-taken")
    assert item["checked"] and item["evidence"]["name"] == backup["name"]
    assert item["evidence"]["restore"] == f"neontui restore --to {backup['name']}"

    applied = neontui("migrate", str(app), url=url, env=env, state=state)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert table_exists(url, "orders") and len(ledger_rows(url)) == 2

    same = neontui("diff", str(app), "--exit-code", url=url, env=env, state=state)
    assert same.returncode == 1, same.stdout + same.stderr
    assert "removed TABLE public.orders" in same.stdout.splitlines()[0]  # the target has it, the backup not
    assert "-CREATE TABLE public.orders (" in same.stdout
    doc = json.loads(neontui("diff", str(app), "--json", url=url, env=env, state=state).stdout)
    assert doc["differs"] and doc["exit_code"] == 0
    assert any(c["name"] == "orders" and c["change"] == "removed" for c in doc["objects"]["changes"])

    wrong = neontui("restore", str(app), "--confirm", "not-it", url=url, env=env, state=state)
    assert wrong.returncode == 1 and "does not match" in wrong.stdout, wrong.stdout + wrong.stderr
    assert "every open session" in wrong.stdout
    assert table_exists(url, "orders"), "a refused restore changed the database"

    back = neontui("restore", str(app), "--confirm", database, url=url, env=env, state=state)
    assert back.returncode == 0, back.stdout + back.stderr
    assert not table_exists(url, "orders") and table_columns(url, "users") == ["id", "name"]
    assert len(ledger_rows(url)) == 1
    preserved = _databases(url, f"{database}-before-restore-%")
    assert len(preserved) == 1 and table_exists(with_database(url, preserved[0]), "orders")
    assert neontui("diff", str(app), "--exit-code", url=url, env=env, state=state).returncode == 0

    audit = (app / ".neontui" / "audit.jsonl").read_text()
    actions = [json.loads(line)["action"] for line in audit.splitlines()]
    assert actions.count("backup") == 1 and actions.count("restore") == 2
    for output in (taken, applied, same, wrong, back):
        assert SECRET not in output.stdout + output.stderr
    assert SECRET not in audit


def test_a_timestamp_on_plain_postgresql_is_one_line(app: Path, url: str, env: dict[str, str]) -> None:
    result = neontui("restore", str(app), "--to", "2026-12-01T10:00:00Z", "--confirm", "x", url=url, env=env)
    assert_one_line_error(result, 3, "cannot restore a database to a point in time")


def test_restore_without_a_backup_is_one_line(app: Path, url: str, env: dict[str, str]) -> None:
    result = neontui("restore", str(app), url=url, env=env)
    assert_one_line_error(result, 3, "no neontui backup")


@pytest.fixture
def no_createdb(url: str) -> Iterator[str]:
    """The test database's URL as a role that may connect but not create databases."""
    name = f"neontui_r_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB PASSWORD {}").format(sql.Identifier(name),
                                                                                      sql.Literal(SECRET)))
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's role may not CREATE ROLE")
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA drizzle TO {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO {}").format(sql.Identifier(name)))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}user={quote(name, safe='')}&password={quote(SECRET, safe='')}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_backup_without_createdb_is_one_line(app: Path, no_createdb: str, env: dict[str, str]) -> None:
    result = neontui("backup", str(app), url=no_createdb, env=env)
    assert_one_line_error(result, 3, "may not create databases, and a backup of ")  # make_copy's purpose
    assert "CREATEDB" in result.stderr and "disposable" not in result.stderr


def test_a_failed_create_renames_the_database_back(app: Path, url: str, env: dict[str, str]) -> None:
    """A session on the backup makes CREATE DATABASE … TEMPLATE fail after the rename: the target comes back
    under its own name, unchanged, and no preserved database is left."""
    database = parse_url(url).dbname or ""
    backup = json.loads(neontui("backup", str(app), "--json", url=url, env=env).stdout)["backup"]["name"]
    assert neontui("migrate", str(app), url=url, env=env).returncode == 0
    with psycopg.connect(with_database(url, backup)):
        failed = neontui("restore", str(app), "--confirm", database, url=url, env=env)
    assert_one_line_error(failed, 3, "nothing was changed")
    assert table_exists(url, "orders") and len(ledger_rows(url)) == 2
    assert _databases(url, f"{database}-before-%") == []
