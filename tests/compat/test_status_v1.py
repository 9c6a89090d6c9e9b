"""`neontui status --json` on drizzle 1.0 folders against the real drizzle-kit 1.0.0-rc.5 and a real PostgreSQL.

As in test_status.py for 0.x: each test builds a state with the real rc.5 `drizzle-kit migrate` (and SQL where
drizzle offers no way), checks what neontui reports, then runs rc.5 `drizzle-kit migrate` and checks that the
ledger rows it adds are exactly neontui's `would_run_next` (hash, created_at, name), in order — or, where neontui
predicts that the migrator throws, that it fails and changes nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest

from neontui.cli.main import main
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import migration_names
from tests.helpers import LEDGER, states, status_json

pytestmark = pytest.mark.drizzle


@pytest.fixture
def project(drizzle_project_v1: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return drizzle_project_v1


def sql(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())


def rows(url: str) -> list[tuple]:
    """(id, hash, created_at, name) of the ledger, by id; name None on a 0.x table."""
    with psycopg.connect(url) as conn:
        if conn.execute("select to_regclass(%s)", (LEDGER,)).fetchone()[0] is None:
            return []
        columns = [r[0] for r in conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped",
            (LEDGER,))]
        name = "name" if "name" in columns else "null"
        return [tuple(r) for r in conn.execute(f"select id, hash, created_at, {name} from {LEDGER} order by id")]


def kit_migrate(project: Path, url: str) -> tuple[int, str]:
    result = run_drizzle_kit(project, "migrate", env={"DATABASE_URL": url})
    return result.returncode, result.stdout + result.stderr


def migrate_and_compare(project: Path, url: str, doc: dict) -> None:
    """The rows rc.5 drizzle-kit migrate adds must be exactly neontui's would_run_next."""
    by_tag = {m["tag"]: m for m in doc["migrations"]}
    expected = [(by_tag[t]["hash"], by_tag[t]["when"], t) for t in doc["summary"]["would_run_next"]]
    before = rows(url)
    code, output = kit_migrate(project, url)
    assert code == 0, output
    assert [r[1:] for r in rows(url)[len(before):]] == expected


def apply_first(project: Path, url: str, n: int) -> None:
    """Apply only the first n folders with the real rc.5 by moving the others aside."""
    out = project / "drizzle"
    aside = project / "aside"
    aside.mkdir()
    for name in migration_names(project)[n:]:
        (out / name).rename(aside / name)
    code, output = kit_migrate(project, url)
    assert code == 0, output
    for moved in aside.iterdir():
        moved.rename(out / moved.name)
    aside.rmdir()


def custom_folder(project: Path, name: str, content: str, *, stamp: str | None = None) -> str:
    """`drizzle-kit generate --custom` (rc.5), its migration.sql written, the folder renamed to `stamp` if given."""
    result = run_drizzle_kit(project, "generate", "--custom", "--name", name)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = next(p for p in (project / "drizzle").iterdir() if p.name.endswith(f"_{name}"))
    (folder / "migration.sql").write_text(content)
    if stamp is not None:
        folder = folder.rename(folder.with_name(f"{stamp}_{name}"))
    return folder.name


def test_layout_and_fresh_database(project, database_url, capsys):
    code, doc = status_json(project, capsys)
    assert code == 1
    assert doc["project"]["layout"] == "folders" and doc["project"]["journal"] is None
    assert doc["drizzle"]["drizzle_kit"] == "1.0.0-rc.5" and doc["drizzle"]["line"] == "1.0"
    assert doc["drizzle"]["mismatch"] is None
    assert doc["ledger"]["exists"] is False and doc["ledger"]["version"] is None
    names = migration_names(project)
    assert states(doc) == [(n, "pending") for n in names]
    assert doc["summary"]["would_run_next"] == names
    migrate_and_compare(project, database_url, doc)
    code, doc = status_json(project, capsys)
    assert code == 0, doc["summary"]["problems"]
    assert doc["ledger"]["version"] == 1 and doc["ledger"]["format"] == "1.0"
    assert [s for _, s in states(doc)] == ["applied"] * 5
    assert [m["ledger"]["name"] for m in doc["migrations"]] == names
    assert main(["status", str(project)]) == 0
    text = capsys.readouterr().out
    assert "drizzle   drizzle 1.0 folders (one per migration) · drizzle-kit 1.0.0-rc.5\n" in text
    assert "5 rows, drizzle 1.0 table" in text


def test_pending_tail(project, database_url, capsys):
    apply_first(project, database_url, 3)
    code, doc = status_json(project, capsys)
    assert code == 1
    assert [s for _, s in states(doc)] == ["applied"] * 3 + ["pending"] * 2
    migrate_and_compare(project, database_url, doc)


def test_edited_applied_file_is_reported_and_not_run(project, database_url, capsys):
    apply_first(project, database_url, 5)
    name = migration_names(project)[1]
    path = project / "drizzle" / name / "migration.sql"
    path.write_text(path.read_text() + "\n-- reviewed by ops")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[1] == (name, "edited")
    assert [p["code"] for p in doc["summary"]["problems"]] == ["edited"]
    assert doc["summary"]["would_run_next"] == []
    migrate_and_compare(project, database_url, doc)  # rc.5 never compares hashes: it runs nothing


def test_ledger_only_row_is_ignored_by_the_migrator(project, database_url, capsys):
    apply_first(project, database_url, 5)
    sql(database_url,
        f"insert into {LEDGER} (hash, created_at, name) values ('{'ab' * 32}', 1000, '19990101000000_gone')")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert states(doc)[-1] == ("19990101000000_gone", "ledger-only")
    migrate_and_compare(project, database_url, doc)


def snapshot(folder: Path) -> dict:
    return json.loads((folder / "snapshot.json").read_text())


def test_out_of_order_folder_is_pending_and_runs(project, database_url, capsys):
    apply_first(project, database_url, 5)
    names = migration_names(project)
    # A branch's migration merged late: made on top of the third migration, in its second, so older than the
    # applied fourth and fifth. 0.x would skip it forever; 1.0 runs it (the branches commute: a custom migration).
    late = custom_folder(project, "late_feature", "CREATE TABLE late_feature (id int);", stamp=names[2][:14])
    late_snapshot = project / "drizzle" / late / "snapshot.json"
    data = json.loads(late_snapshot.read_text())
    data["prevIds"] = [snapshot(project / "drizzle" / names[2])["id"]]
    late_snapshot.write_text(json.dumps(data, indent=2))
    assert names[2] < late < names[3]
    code, doc = status_json(project, capsys)
    assert code == 1, doc["summary"]["problems"]
    by_tag = dict(states(doc))
    assert by_tag[late] == "pending"
    assert "skipped" not in by_tag.values()
    assert any("out of order" in n for n in next(m for m in doc["migrations"] if m["tag"] == late)["notes"])
    assert doc["summary"]["would_run_next"] == [late]
    migrate_and_compare(project, database_url, doc)


def test_folder_that_sorts_before_its_parent_is_refused_by_the_kit(project, database_url, capsys):
    apply_first(project, database_url, 5)
    names = migration_names(project)
    # Renamed by hand to an older time than the migration it builds on.
    late = custom_folder(project, "renamed", "SELECT 1;", stamp=names[0][:14])
    code, doc = status_json(project, capsys)
    assert code == 2
    (problem,) = [p for p in doc["summary"]["problems"] if p["code"] == "folder-order"]
    assert problem["tag"] == late and names[-1] in problem["message"]
    code, output = kit_migrate(project, database_url)
    assert code != 0 and "sorts before its parent" in output


def test_row_without_a_name_matches_nothing_and_runs_again(project, database_url, capsys):
    again = custom_folder(project, "idempotent", "CREATE TABLE IF NOT EXISTS audit_trail (id int);")
    apply_first(project, database_url, 6)
    sql(database_url, f"update {LEDGER} set name = NULL where name = '{again}'")
    code, doc = status_json(project, capsys)
    assert code == 2
    assert dict(states(doc))[again] == "pending"
    assert "rerun" in [p["code"] for p in doc["summary"]["problems"]]
    assert doc["summary"]["would_run_next"] == [again]
    migrate_and_compare(project, database_url, doc)


def test_folder_without_migration_sql_is_skipped_by_the_migrator(project, database_url, capsys):
    apply_first(project, database_url, 3)
    names = migration_names(project)
    (project / "drizzle" / names[3] / "migration.sql").unlink()
    code, doc = status_json(project, capsys)
    assert code == 2
    assert dict(states(doc))[names[3]] == "missing-file"
    assert doc["summary"]["would_run_next"] == [names[4]]
    migrate_and_compare(project, database_url, doc)


def test_zero_ledger_under_folders_predicts_the_in_place_upgrade(project, database_url, capsys):
    apply_first(project, database_url, 3)
    # What a 0.x ledger looks like after drizzle-kit up: no name/applied_at, `when` with its milliseconds.
    sql(database_url, f"alter table {LEDGER} drop column name, drop column applied_at",
        f"update {LEDGER} set created_at = created_at + 456")
    before = rows(database_url)
    code, doc = status_json(project, capsys)
    assert code == 1, doc["summary"]["problems"]
    assert doc["ledger"]["version"] == 0
    names = migration_names(project)
    assert doc["ledger"]["upgrade"] == {"names": {str(r[0]): n for r, n in zip(before, names, strict=False)},
                                        "unmatched": [], "throws": False}
    assert [s for _, s in states(doc)] == ["applied"] * 3 + ["pending"] * 2
    migrate_and_compare(project, database_url, doc)
    upgraded = rows(database_url)
    assert [r[3] for r in upgraded[:3]] == names[:3]  # rc.5 named the old rows exactly as predicted
    assert [r[2] for r in upgraded[:3]] == [r[2] for r in before]  # and kept their millisecond created_at


def test_zero_ledger_row_that_matches_no_folder_makes_the_upgrade_throw(project, database_url, capsys):
    apply_first(project, database_url, 3)
    sql(database_url, f"alter table {LEDGER} drop column name, drop column applied_at",
        f"insert into {LEDGER} (hash, created_at) values ('{'cd' * 32}', 1000)")
    before = rows(database_url)
    code, doc = status_json(project, capsys)
    assert code == 2
    unmatched = before[-1][0]
    assert doc["ledger"]["upgrade"]["unmatched"] == [unmatched] and doc["ledger"]["upgrade"]["throws"]
    assert "upgrade-unmatched" in [p["code"] for p in doc["summary"]["problems"]]
    assert doc["summary"]["would_run_next"] == []
    code, output = kit_migrate(project, database_url)
    assert code != 0 and "do not match any local migration" in output
    assert rows(database_url) == before  # nothing changed, nothing ran


def test_lint_reviews_every_folder_in_order(project, capsys):
    main(["lint", str(project / "drizzle"), "--advisory", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["migrations"] == migration_names(project)
    assert doc["statements"] == 9  # the five generated files, split at their breakpoints
    # add_created_at adds a timestamp without time zone: found in the folder's migration.sql, as in a 0.x file
    (finding,) = [f for f in doc["findings"] if f["rule"] == "prefer-timestamptz"]
    assert finding["tag"].endswith("_add_created_at") and finding["file"].endswith("_add_created_at/migration.sql")


def test_empty_or_unknown_layout_says_so_and_exits_3(project, capsys):
    out = project / "drizzle"
    shutil.rmtree(out)
    out.mkdir()
    (out / "notes.txt").write_text("nothing here")
    assert main(["status", str(project)]) == 3
    err = capsys.readouterr().err
    assert "no migrations" in err and "notes.txt" in err
    assert main(["lint", str(out)]) == 3
    assert "no migrations to review" in capsys.readouterr().err


def _drop_middle_folder(project: Path, names: list[str]) -> str:
    shutil.rmtree(project / "drizzle" / names[2])
    return names[3]


def _old_snapshot_version(project: Path, names: list[str]) -> str:
    path = project / "drizzle" / names[1] / "snapshot.json"
    path.write_text(path.read_text().replace('"version": "9"', '"version": "8"'))
    return names[1]


def _merge_conflict_markers(project: Path, names: list[str]) -> str:
    path = project / "drizzle" / names[3] / "snapshot.json"
    path.write_text("<<<<<<< HEAD\n" + path.read_text() + "\n=======\n>>>>>>> feature\n")
    return names[3]


def _second_base(project: Path, names: list[str]) -> str:
    path = project / "drizzle" / names[4] / "snapshot.json"
    data = json.loads(path.read_text())
    data["prevIds"] = ["00000000-0000-0000-0000-000000000000"]
    path.write_text(json.dumps(data, indent=2))
    return names[4]


@pytest.mark.parametrize(("break_it", "code"), [
    (_drop_middle_folder, "broken-history"), (_old_snapshot_version, "snapshot-version"),
    (_merge_conflict_markers, "snapshot"), (_second_base, "second-base"),
])
def test_status_predicts_each_history_refusal_of_the_kit(project, database_url, capsys, break_it, code):
    """Each history problem rc.5 `drizzle-kit migrate` stops on is a status problem on the migration it names,
    found before anyone runs migrate."""
    apply_first(project, database_url, 2)
    before = rows(database_url)
    tag = break_it(project, migration_names(project))
    exit_code, doc = status_json(project, capsys)
    assert exit_code == 2
    assert (code, tag) in [(p["code"], p["tag"]) for p in doc["summary"]["problems"]]
    kit_code, output = kit_migrate(project, database_url)
    assert kit_code != 0, output
    assert rows(database_url) == before  # the kit refused before it ran anything
