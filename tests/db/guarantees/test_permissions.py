"""Clear permission errors: a role that may not do what a command needs gets one line naming what it lacks and the
statement that fixes it, exit 3 (configuration), before anything runs — never a traceback, never exit 70, and never
a wrong answer: a ledger this role may not read is not "no ledger" (that would show every applied migration as
pending and invite applying them twice).

The guarantees held here, each with the real CLI against real roles in the test database: no CREATE on the database
while the ledger schema does not exist yet; a read-only database or role (default_transaction_read_only); no USAGE on
the ledger's schema or no SELECT on the ledger (status, checklist); no INSERT on the ledger or USAGE on its sequence
(migrate, dry run). Every test then runs the fix the message names and checks that the command now works.

To extend the family: create a role with `make_role` (its `url` logs in as it, derived from the test server's URL),
grant or revoke with `admin`, run the command with tests.db.cli.test_cli's `neontui`, and check the line with
`assert_denied`; `run_fix` executes the statements of the message's hint.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from neontui.core.db.url import parse_url
from neontui.core.errors import ExitCode
from tests.factories import sql_project
from tests.helpers import assert_one_line_error, ledger_rows, neontui

MIGRATIONS = {"0000_init": b"CREATE TABLE t (id int);", "0001_probe": b"CREATE TABLE probe (id int);"}
SCHEMA, LEDGER = '"drizzle"', '"drizzle"."__drizzle_migrations"'


@dataclass(frozen=True)
class Role:
    name: str
    password: str
    url: str  # the test database, logged in as this role


def as_role(url: str, role: str, password: str) -> str:
    """`url` logging in as `role`: libpq (and neontui's parser) let query parameters override the URL's user and
    password, so this works for the embedded server's socket URL and for any NEONTUI_TEST_DATABASE_URL alike."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}user={quote(role, safe='')}&password={quote(password, safe='')}"


def admin(url: str, *statements: str) -> None:
    """Run `statements` as the test server's own role on the database of `url`."""
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())


@pytest.fixture
def make_role(database_url: str) -> Iterator[Callable[[], Role]]:
    """Factory of login roles with no privileges beyond PUBLIC's, plus CREATE on schema public (for the migrations'
    own tables: PostgreSQL 15 no longer grants it to everyone); all dropped after the test."""
    made: list[str] = []

    def make() -> Role:
        name, password = f"neontui_r_{uuid.uuid4().hex[:10]}", f"Pw-{uuid.uuid4().hex[:12]}"
        with psycopg.connect(database_url, autocommit=True) as conn:
            try:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name),
                                                                               sql.Literal(password)))
            except psycopg.errors.InsufficientPrivilege:
                pytest.skip("the test server's role may not CREATE ROLE")
            made.append(name)
            conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(sql.Identifier(name)))
        return Role(name, password, as_role(database_url, name, password))

    yield make
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET default_transaction_read_only = off")  # a test may have made the database read-only
        for name in made:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))  # its grants and objects
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def applied_one(root: Path, url: str) -> Path:
    """The project with its first migration applied by the server's own role (which owns the ledger)."""
    return sql_project(root, MIGRATIONS, database_url=url, applied=1)


def grant_ledger(url: str, role: Role, *privileges: str) -> None:
    """`privileges` from: usage (on the schema), select, insert (on the ledger), sequence (USAGE on its id seq)."""
    user = f'"{role.name}"'
    statements = {
        "usage": f"GRANT USAGE ON SCHEMA drizzle TO {user}",
        "select": f"GRANT SELECT ON {LEDGER} TO {user}",
        "insert": f"GRANT INSERT ON {LEDGER} TO {user}",
        "sequence": f"GRANT USAGE ON SEQUENCE drizzle.__drizzle_migrations_id_seq TO {user}",
    }
    admin(url, *(statements[p] for p in privileges))


def run(role: Role, *args: str) -> object:
    return neontui(*args, env={"DATABASE_URL": role.url})


def assert_denied(result, role: Role, fragment: str, *grants: str) -> str:
    """One line, exit 3, `fragment` in it, each of `grants` in its hint, no password; returns the line."""
    assert_one_line_error(result, ExitCode.ERROR, fragment)
    line = result.stderr.strip()
    for grant in grants:
        assert grant in line, line
    assert role.password not in result.stdout + result.stderr
    return line


def run_fix(url: str, line: str) -> None:
    """Execute, as the server's own role, the statements the error's hint says to run ("…, run: A; B)")."""
    match = re.search(r"run: (.+)\)$", line)
    assert match, line
    admin(url, *(s for s in match.group(1).split("; ") if not s.startswith("or instead:")))


def probe_exists(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("select to_regclass('public.probe') is not null").fetchone()[0]


# --- creating the ledger ----------------------------------------------------------------------------------------


def test_migrate_without_create_on_the_database_names_the_grant(tmp_path, database_url, make_role):
    role = make_role()
    root = sql_project(tmp_path / "app", MIGRATIONS)
    database = parse_url(database_url).dbname
    for args in (["migrate", "--dry-run"], ["migrate"]):
        line = assert_denied(run(role, args[0], str(root), *args[1:]), role,
                             'may not create the ledger schema "drizzle": no CREATE privilege on database',
                             f'GRANT CREATE ON DATABASE "{database}" TO "{role.name}"',
                             f'CREATE SCHEMA "drizzle" AUTHORIZATION "{role.name}"')
    assert ledger_rows(database_url) == [] and not probe_exists(database_url)
    run_fix(database_url, line)
    result = run(role, "migrate", str(root))
    assert result.returncode == ExitCode.OK, result.stderr
    assert len(ledger_rows(database_url)) == 2


@pytest.mark.parametrize(("scope", "fix"), [("database", "ALTER DATABASE"), ("role", "ALTER ROLE")])
def test_a_read_only_database_or_role_names_the_setting(tmp_path, database_url, make_role, scope, fix):
    role = make_role()
    root = applied_one(tmp_path / "app", database_url)
    grant_ledger(database_url, role, "usage", "select", "insert", "sequence")
    target = (f'DATABASE "{parse_url(database_url).dbname}"' if scope == "database" else f'ROLE "{role.name}"')
    admin(database_url, f"ALTER {target} SET default_transaction_read_only = on")
    status = run(role, "status", str(root))
    assert status.returncode == ExitCode.PENDING, status.stderr  # reading works in a read-only session
    for args in (["migrate", "--dry-run"], ["migrate"]):
        line = assert_denied(run(role, args[0], str(root), *args[1:]), role,
                             "the session is read-only: default_transaction_read_only is on",
                             f"{fix} ", "SET default_transaction_read_only = off")
    assert len(ledger_rows(database_url)) == 1 and not probe_exists(database_url)
    run_fix(database_url, line)
    result = run(role, "migrate", str(root))
    assert result.returncode == ExitCode.OK, result.stderr
    assert len(ledger_rows(database_url)) == 2 and probe_exists(database_url)


# --- reading the ledger -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("granted", "missing"), [
    ((), ("GRANT USAGE ON SCHEMA", "GRANT SELECT ON")),  # before: "ledger not created yet", everything pending
    (("select",), ("GRANT USAGE ON SCHEMA",)),
    (("usage",), ("GRANT SELECT ON",)),
])
def test_an_unreadable_ledger_is_an_error_not_a_fresh_database(tmp_path, database_url, make_role, granted, missing):
    role = make_role()
    root = applied_one(tmp_path / "app", database_url)
    grant_ledger(database_url, role, *granted)
    for args in (["status"], ["status", "--json"], ["checklist"], ["migrate"]):
        result = run(role, args[0], str(root), *args[1:])
        line = assert_denied(result, role, f'the ledger {LEDGER} exists, but role "{role.name}" may not read it',
                             *(f'{grant} {SCHEMA if "SCHEMA" in grant else LEDGER} TO "{role.name}"'
                               for grant in missing))
        if "--json" in args:
            assert json.loads(result.stdout)["error"]["exit_code"] == ExitCode.ERROR
        for other in {"GRANT USAGE ON SCHEMA", "GRANT SELECT ON"} - set(missing):
            assert other not in line  # only what is missing
    assert not probe_exists(database_url)
    run_fix(database_url, line)
    status = run(role, "status", str(root), "--json")
    assert status.returncode == ExitCode.PENDING, status.stderr
    assert json.loads(status.stdout)["summary"]["counts"]["applied"] == 1


# --- writing the ledger -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("granted", "missing"), [
    (("usage", "select"), ("GRANT INSERT ON", "GRANT USAGE ON SEQUENCE")),
    (("usage", "select", "insert"), ("GRANT USAGE ON SEQUENCE",)),
])
def test_migrate_without_insert_runs_nothing_and_names_the_grants(tmp_path, database_url, make_role, granted,
                                                                  missing):
    role = make_role()
    root = applied_one(tmp_path / "app", database_url)
    grant_ledger(database_url, role, *granted)
    status = run(role, "status", str(root))
    assert status.returncode == ExitCode.PENDING, status.stderr
    for args in (["migrate", "--dry-run"], ["migrate"]):
        line = assert_denied(run(role, args[0], str(root), *args[1:]), role,
                             f'role "{role.name}" may not record migrations in the ledger {LEDGER}', *missing)
    assert len(ledger_rows(database_url)) == 1 and not probe_exists(database_url)  # refused before the batch ran
    run_fix(database_url, line)
    result = run(role, "migrate", str(root))
    assert result.returncode == ExitCode.OK, result.stderr
    assert len(ledger_rows(database_url)) == 2 and probe_exists(database_url)
