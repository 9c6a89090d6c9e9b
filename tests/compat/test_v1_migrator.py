"""On a drizzle 1.0 folder layout, neontui's migrator (both engines) leaves the database exactly as drizzle-kit
1.0.0-rc.5's `migrate` does, and the two can be mixed: the v1 ledger, its in-place upgrade of a 0.x ledger, the rows
it records, and the projects it refuses."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from neontui.core.db.connect import connect
from neontui.core.drizzle.layout import read_migrations
from neontui.core.migrate.migrator import LedgerUpgradeRefused, run
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import STEPS, generate_all, journal_data, write_journal, write_project
from tests.helpers import assert_one_line_error, neontui, status_json

pytestmark = pytest.mark.drizzle

SCHEMA_QUERY = """
select table_schema, table_name, column_name, data_type, is_nullable, column_default
from information_schema.columns where table_schema in ('public', 'drizzle') order by 1, 2, 3
"""
UPGRADE_REFUSED = "While upgrading your database migrations table"


@pytest.fixture
def v1_project(drizzle_project_v1: Path) -> Path:
    return drizzle_project_v1


def rows(url: str) -> list[tuple]:
    """The ledger as rc.5 leaves it: (id, hash, created_at, name, applied_at is NULL); [] without a ledger."""
    with psycopg.connect(url) as conn:
        if conn.execute("select to_regclass('drizzle.__drizzle_migrations')").fetchone()[0] is None:
            return []
        return conn.execute("select id, hash, created_at, name, applied_at is null "
                            "from drizzle.__drizzle_migrations order by id").fetchall()


def schema(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(SCHEMA_QUERY).fetchall()


def kit_migrate(project: Path, url: str) -> None:
    result = run_drizzle_kit(project, "migrate", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stdout + result.stderr


def neontui_migrate(project: Path, url: str, *args: str) -> str:
    result = neontui("migrate", str(project), *args, url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def folders(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "drizzle").iterdir() if p.is_dir())


def test_neontui_then_rc5_applies_nothing_and_the_ledger_is_rc5s(v1_project, make_database):
    ours, theirs = make_database(), make_database()
    names = folders(v1_project)
    assert f"applied 5: {', '.join(names)}" in neontui_migrate(v1_project, ours)
    before = rows(ours)
    kit_migrate(v1_project, ours)  # finds nothing to run
    kit_migrate(v1_project, theirs)
    assert rows(ours) == before == rows(theirs)
    assert [(r[2], r[3], r[4]) for r in before] == [(_millis(n), n, False) for n in names]
    assert schema(ours) == schema(theirs)


def test_drizzle_kit_engine_records_what_rc5_records(v1_project, make_database):
    ours, theirs = make_database(), make_database()
    out = neontui_migrate(v1_project, ours, "--engine", "drizzle-kit")
    assert f"applied 5: {', '.join(folders(v1_project))}" in out
    kit_migrate(v1_project, theirs)
    assert rows(ours) == rows(theirs) and len(rows(ours)) == 5
    assert schema(ours) == schema(theirs)


def test_rc5_applies_part_and_neontui_the_rest(tmp_path, make_database):
    root = write_project(tmp_path / "project", line="1.0")
    mixed, alone = make_database(), make_database()
    first = generate_all(root, STEPS[:2])
    kit_migrate(root, mixed)
    everything = generate_all(root, STEPS[2:4])
    assert f"applied 2: {', '.join(everything[2:])}" in neontui_migrate(root, mixed)
    kit_migrate(root, mixed)  # nothing left for rc.5
    kit_migrate(root, alone)
    assert [r[3] for r in rows(mixed)] == first + everything[2:] == everything
    assert rows(mixed) == rows(alone)
    assert schema(mixed) == schema(alone)


@pytest.fixture
def upgraded_0x(tmp_path: Path, make_database: Callable[[], str]) -> tuple[Path, list[str]]:
    """Three databases whose 0.x ledger the real drizzle-kit 0.31 wrote (three of five migrations applied), and the
    project then converted to folders by rc.5's `drizzle-kit up`."""
    root = write_project(tmp_path / "project", line="0.31")
    urls = [make_database() for _ in range(3)]
    generate_all(root, STEPS[:3])
    _spread_whens(root)
    for url in urls:
        kit_migrate(root, url)
    generate_all(root, STEPS[3:])
    _spread_whens(root)
    write_project(root, line="1.0")
    converted = run_drizzle_kit(root, "up")
    assert converted.returncode == 0, converted.stdout + converted.stderr
    assert not (root / "drizzle" / "meta").exists() and len(folders(root)) == 5
    return root, urls


def _spread_whens(root: Path) -> None:
    """1.5 s between the journal's `when`s (milliseconds kept): drizzle-kit 0.31 generates several per second, and
    rc.5's `up` refuses two migrations of one second (it names the folders by second)."""
    data = journal_data(root)
    first = data["entries"][0]["when"]
    for i, item in enumerate(data["entries"]):
        item["when"] = first + i * 1500
    write_journal(root, data)


def test_a_0x_ledger_is_upgraded_in_place_like_rc5(upgraded_0x, capsys):
    root, (native, kit_engine, theirs) = upgraded_0x
    with psycopg.connect(native) as conn:
        old = conn.execute("select id, hash, created_at from drizzle.__drizzle_migrations order by id").fetchall()
    assert len(old) == 3 and any(c % 1000 for _, _, c in old)  # 0.31 recorded the journal's milliseconds
    names = folders(root)
    # status predicts the upgrade and exactly what rc.5 then applies
    code, doc = status_json(root, capsys, "--url", theirs)
    assert code == 1 and doc["ledger"]["version"] == 0 and doc["summary"]["problems"] == []
    assert doc["ledger"]["upgrade"] == {"names": {str(i + 1): n for i, n in enumerate(names[:3])}, "unmatched": [],
                                        "throws": False}
    assert [(m["tag"], m["state"]) for m in doc["migrations"]] == [(n, "applied") for n in names[:3]] + [
        (n, "pending") for n in names[3:]]
    assert doc["summary"]["would_run_next"] == names[3:]
    assert f"applied 2: {', '.join(names[3:])}" in neontui_migrate(root, native)
    assert f"applied 2: {', '.join(names[3:])}" in neontui_migrate(root, kit_engine, "--engine", "drizzle-kit")
    kit_migrate(root, theirs)
    assert rows(native) == rows(theirs) == rows(kit_engine)
    upgraded = rows(native)
    assert [(r[0], r[1], r[2]) for r in upgraded[:3]] == old  # ids, hashes and the old created_at kept
    assert [(r[3], r[4]) for r in upgraded] == [(n, i < 3) for i, n in enumerate(names)]  # applied_at NULL on old
    assert schema(native) == schema(theirs)


def test_unmatched_0x_rows_refuse_like_rc5(upgraded_0x, capsys):
    root, (native, _, theirs) = upgraded_0x
    for url in (native, theirs):
        with psycopg.connect(url) as conn:
            conn.execute("insert into drizzle.__drizzle_migrations (hash, created_at) values ('gone', 1000)")
    code, doc = status_json(root, capsys, "--url", theirs)
    assert code == 2 and doc["ledger"]["upgrade"]["unmatched"] == [4] and doc["summary"]["would_run_next"] == []
    refused = run_drizzle_kit(root, "migrate", env={"DATABASE_URL": theirs})
    assert refused.returncode == 1 and UPGRADE_REFUSED in refused.stdout + refused.stderr
    with connect(native) as conn, pytest.raises(LedgerUpgradeRefused) as failure:
        run(conn, read_migrations(root / "drizzle"), "drizzle", "__drizzle_migrations")
    assert failure.value.exit_code == 3 and "ids: 4" in failure.value.message
    for url in (native, theirs):  # neither changed the table or applied anything
        with psycopg.connect(url) as conn:
            columns = conn.execute("select column_name from information_schema.columns where table_schema = "
                                   "'drizzle' order by ordinal_position").fetchall()
            assert columns == [("id",), ("hash",), ("created_at",)]
            assert conn.execute("select to_regclass('public.posts')").fetchone()[0] == "posts"
    assert schema(native) == schema(theirs)


def _millis(folder: str) -> int:
    return int(datetime.strptime(folder[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC).timestamp()) * 1000


def _set_version(version: str) -> Callable[[Path, list[str]], None]:
    def mutate(out: Path, names: list[str]) -> None:
        path = out / names[-1] / "snapshot.json"
        data = json.loads(path.read_text())
        path.write_text(json.dumps({**data, "version": version}))
    return mutate


# What rc.5 `drizzle-kit migrate` refuses (exit 1, nothing applied), and the fragment of neontui's one-line refusal.
REFUSED = {
    "snapshot-version-8": (_set_version("8"), "run drizzle-kit up"),
    "middle-folder-deleted": (lambda out, names: shutil.rmtree(out / names[2]), "restore the deleted"),
    "middle-snapshot-deleted": (lambda out, names: (out / names[2] / "snapshot.json").unlink(), "builds on snapshot"),
    "snapshot-not-json": (lambda out, names: (out / names[-1] / "snapshot.json").write_text("{nope"),
                          "not valid JSON"),
    "folder-name-no-time": (lambda out, names: (out / names[-1]).rename(out / ("x" + names[-1][14:])),
                            "valid YYYYMMDDHHMMSS"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refuses_what_rc5_refuses(case, v1_project, make_database):
    mutate, fragment = REFUSED[case]
    mutate(v1_project / "drizzle", folders(v1_project))
    ours, theirs = make_database(), make_database()
    theirs_result = run_drizzle_kit(v1_project, "migrate", env={"DATABASE_URL": theirs})
    assert theirs_result.returncode == 1, theirs_result.stdout + theirs_result.stderr
    assert rows(theirs) == []  # rc.5 applied nothing (it may leave an empty ledger)
    result = neontui("migrate", str(v1_project), url=ours)
    assert_one_line_error(result, 3, fragment)
    with psycopg.connect(ours) as conn:  # before the lock and the ledger: not even the schema
        assert conn.execute("select to_regnamespace('drizzle')").fetchone()[0] is None


# What rc.5 accepts although the folder looks damaged; neontui applies it the same way.
ACCEPTED = {
    "last-snapshot-deleted": lambda out, names: (out / names[-1] / "snapshot.json").unlink(),
    "middle-sql-deleted": lambda out, names: (out / names[2] / "migration.sql").unlink(),
    "month-13": lambda out, names: (out / names[-1]).rename(out / ("20991301000000" + names[-1][14:])),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_accepts_what_rc5_accepts(case, v1_project, make_database):
    ACCEPTED[case](v1_project / "drizzle", folders(v1_project))
    ours, theirs = make_database(), make_database()
    kit_migrate(v1_project, theirs)
    neontui_migrate(v1_project, ours)
    assert rows(ours) == rows(theirs) and rows(ours)
    assert schema(ours) == schema(theirs)
    kit_migrate(v1_project, ours)
    assert rows(ours) == rows(theirs)
