"""neontui's migrator, dry run and refusals on a drizzle 1.0 folder layout, on the real PostgreSQL (the folders are
written here; tests/compat/test_v1_migrator.py checks the same against the real rc.5 drizzle-kit)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from neontui.core.db.blockers import ReadTimedOut
from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import drizzle_hash
from neontui.core.drizzle.layout import read_migrations
from neontui.core.errors import ConfigError
from neontui.core.migrate.dryrun import dry_run
from neontui.core.migrate.migrator import LedgerUpgradeRefused, MigrateOptions, run
from tests.factories import CONFIG_TS, make_folders
from tests.helpers import LEDGER, assert_one_line_error, neontui

SQL = {
    "20260101000000_a": b"CREATE TABLE a (id int);",
    "20260101000001_b": b"CREATE TABLE b (id int);\n--> statement-breakpoint\nALTER TABLE b ADD COLUMN x int;",
    "20260102000000_c": b"CREATE TABLE c (id int);",
}
A, B, C = SQL
MILLIS = {A: 1767225600000, B: 1767225601000, C: 1767312000000}


def v1_project(root: Path, files: dict[str, bytes] = SQL) -> Path:
    """A drizzle 1.0 project: one folder per migration with its migration.sql and a version 9 snapshot.json whose
    prevIds chain the folders in name order."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "drizzle.config.ts").write_text(CONFIG_TS % ("postgresql", "'./drizzle'"))
    make_folders(root, dict(files))
    return root


def snapshot_id(folder: Path) -> str:
    return json.loads((folder / "snapshot.json").read_text())["id"]


def apply(root: Path, url: str, **kwargs) -> list[str]:
    with connect(url) as conn:
        return run(conn, read_migrations(root / "drizzle"), "drizzle", "__drizzle_migrations", **kwargs).applied


def v1_rows(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(f"select id, hash, created_at, name, applied_at is null from {LEDGER} order by id"
                            ).fetchall()


def columns(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("select column_name from information_schema.columns where table_schema = "
                                           "'drizzle' order by ordinal_position")]


def v0_ledger(url: str, *rows: tuple[str, int]) -> None:
    """The table drizzle 0.x creates, with `rows` (hash, created_at) in it."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE SCHEMA drizzle; CREATE TABLE drizzle.__drizzle_migrations "
                     "(id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)")
        for row in rows:
            conn.execute(f"insert into {LEDGER} (hash, created_at) values (%s, %s)", row)


def test_fresh_database_gets_the_v1_table_and_named_rows(tmp_path, database_url):
    root = v1_project(tmp_path / "app")
    assert apply(root, database_url, limit=2) == [A, B]
    assert columns(database_url) == ["id", "hash", "created_at", "name", "applied_at"]
    assert apply(root, database_url) == [C]
    assert v1_rows(database_url) == [(i + 1, drizzle_hash(SQL[n]), MILLIS[n], n, False) for i, n in enumerate(SQL)]
    assert apply(root, database_url) == []


def test_an_older_folder_merged_late_runs(tmp_path, database_url):
    root = v1_project(tmp_path / "app", {A: SQL[A], C: SQL[C]})
    assert apply(root, database_url) == [A, C]
    # A branch's migration, made on top of A before C existed, merged after C was applied.
    parent = snapshot_id(root / "drizzle" / A)
    make_folders(tmp_path / "late", {B: SQL[B]}, snapshots={B: {"id": "late-b", "prevIds": [parent]}})
    (tmp_path / "late" / "drizzle" / B).rename(root / "drizzle" / B)
    assert apply(root, database_url) == [B]  # 1.0 pends by name, not by the newest created_at
    assert [r[3] for r in v1_rows(database_url)] == [A, C, B]


def test_a_0x_ledger_is_upgraded_in_place(tmp_path, database_url):
    root = v1_project(tmp_path / "app")
    # 0.x recorded the journal's milliseconds; the upgrade matches them to the folder's second.
    v0_ledger(database_url, (drizzle_hash(SQL[A]), MILLIS[A] + 417), (drizzle_hash(SQL[B]), MILLIS[B] + 9))
    with psycopg.connect(database_url) as conn:
        conn.execute("CREATE TABLE a (id int); CREATE TABLE b (id int, x int)")
    assert apply(root, database_url) == [C]
    assert v1_rows(database_url) == [(1, drizzle_hash(SQL[A]), MILLIS[A] + 417, A, True),
                                     (2, drizzle_hash(SQL[B]), MILLIS[B] + 9, B, True),
                                     (3, drizzle_hash(SQL[C]), MILLIS[C], C, False)]


def test_unmatched_rows_refuse_and_change_nothing(tmp_path, database_url):
    root = v1_project(tmp_path / "app")
    v0_ledger(database_url, (drizzle_hash(SQL[A]), MILLIS[A]), ("deleted-migration", 1000), ("other", 2000))
    with pytest.raises(LedgerUpgradeRefused) as failure:
        apply(root, database_url)
    assert failure.value.exit_code == 3 and "2 of its rows (ids: 2, 3)" in failure.value.message
    assert "restore the missing migration folders" in (failure.value.hint or "")
    with connect(database_url) as conn, pytest.raises(LedgerUpgradeRefused):
        dry_run(conn, read_migrations(root / "drizzle"), "drizzle", "__drizzle_migrations")
    assert columns(database_url) == ["id", "hash", "created_at"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('public.a')").fetchone()[0] is None


def test_the_upgrade_waits_no_longer_than_the_lock_timeout(tmp_path, database_url):
    root = v1_project(tmp_path / "app")
    v0_ledger(database_url, (drizzle_hash(SQL[A]), MILLIS[A]))
    with psycopg.connect(database_url) as holder:
        holder.execute(f"LOCK TABLE {LEDGER} IN ACCESS SHARE MODE")  # ALTER TABLE needs ACCESS EXCLUSIVE
        pid = holder.info.backend_pid
        with pytest.raises(ReadTimedOut) as failure:
            apply(root, database_url, options=MigrateOptions(lock_timeout="100ms"))
    assert failure.value.exit_code == 5
    assert "waited lock_timeout = 100ms" in failure.value.message and f"pid {pid}" in failure.value.message
    assert columns(database_url) == ["id", "hash", "created_at"]


def test_dry_run_on_folders_rolls_back_the_table_and_the_upgrade(tmp_path, make_database):
    root = v1_project(tmp_path / "app")
    fresh, old = make_database(), make_database()
    v0_ledger(old, (drizzle_hash(SQL[A]), MILLIS[A]))
    with psycopg.connect(old) as conn:
        conn.execute("CREATE TABLE a (id int)")
    journal = read_migrations(root / "drizzle")
    for url, expected in ((fresh, [A, B, C]), (old, [B, C])):
        with connect(url) as conn:
            report = dry_run(conn, journal, "drizzle", "__drizzle_migrations")
        assert report.ok and report.migrations == expected
    with psycopg.connect(fresh) as conn:
        assert conn.execute("select to_regnamespace('drizzle')").fetchone()[0] is None
    assert columns(old) == ["id", "hash", "created_at"]


def test_a_folder_without_migration_sql_is_skipped(tmp_path, database_url):
    root = v1_project(tmp_path / "app")
    (root / "drizzle" / B / "migration.sql").unlink()
    assert apply(root, database_url) == [A, C]


@pytest.mark.parametrize(("damage", "fragment"), [
    ("version", "run drizzle-kit up"),
    ("history", "restore the deleted migration folder"),
    ("name", "rename the folder"),
])
def test_refusals_come_before_the_lock_and_the_ledger(damage, fragment, tmp_path, database_url):
    root = v1_project(tmp_path / "app")
    out = root / "drizzle"
    if damage == "version":
        path = out / C / "snapshot.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "version": "8"}))
    elif damage == "history":
        for child in (out / B).iterdir():
            child.unlink()
        (out / B).rmdir()
    else:
        (out / C).rename(out / "c_without_time")
    with pytest.raises(ConfigError) as failure:
        apply(root, database_url)
    assert failure.value.exit_code == 3 and fragment in (failure.value.hint or "")
    result = neontui("migrate", str(root), "--dry-run", url=database_url)
    assert_one_line_error(result, 3, "nothing was run")
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regnamespace('drizzle')").fetchone()[0] is None


def test_the_action_refuses_unmatched_rows_before_anything_runs(tmp_path, database_url):
    from neontui.core.actions.gate import open_gate
    from neontui.core.actions.migrate import execute
    from neontui.core.drizzle.project import load_project

    root = v1_project(tmp_path / "app")
    v0_ledger(database_url, ("nowhere", 5000))
    outcome = execute(open_gate(load_project(root, environ={"DATABASE_URL": database_url})))
    assert isinstance(outcome.error, LedgerUpgradeRefused) and outcome.exit_code == 3
    assert outcome.restore_point is None  # refused before the restore point, and before the lock
    assert outcome.applied == [] and columns(database_url) == ["id", "hash", "created_at"]


def test_the_drizzle_kit_engine_runs_on_an_exact_copy_of_the_folders(tmp_path, database_url):
    from neontui.core.drizzle.project import load_project
    from neontui.core.kit.migrate import reviewed_copy

    root = v1_project(tmp_path / "app")
    out = root / "drizzle"
    (out / B / "migration.sql").unlink()  # a folder with only its snapshot: drizzle-kit still checks it
    (out / "stray.sql").write_text("SELECT 1;")  # 1.0 never runs a loose file
    journal = read_migrations(out)
    (out / A / "migration.sql").write_text("DROP TABLE edited_after_review;")  # the copy is what was reviewed
    with reviewed_copy(load_project(root, environ={"DATABASE_URL": database_url}), journal) as config:
        copy = config.parent / "migrations"
        assert config.parent.stat().st_mode & 0o777 == 0o700
        assert sorted(str(p.relative_to(copy)) for p in copy.rglob("*") if p.is_file()) == [
            f"{A}/migration.sql", f"{A}/snapshot.json", f"{B}/snapshot.json", f"{C}/migration.sql",
            f"{C}/snapshot.json"]
        assert (copy / A / "migration.sql").read_bytes() == SQL[A]
        assert all((copy / n / "snapshot.json").read_bytes() == (out / n / "snapshot.json").read_bytes() for n in SQL)
        assert f'out: "{copy}"' in config.read_text()
    assert not config.parent.exists()
