"""`neontui lint` knows the schema before the migrations it reviews: from the live database (`--url`, the pending
batch) or, with no database, from the folder's own history, and reaches the same verdict all three ways."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import psycopg

from tests.factories import sql_project
from tests.helpers import assert_one_line_error, neontui

B = "--> statement-breakpoint\n"
HISTORY = {
    "0000_init": 'CREATE TYPE "status" AS ENUM (\'active\', \'archived\');' + B
                 + 'CREATE TABLE "posts" ("id" serial PRIMARY KEY, "slug" varchar(64) NOT NULL, "note" text, '
                 '"status" "status" NOT NULL, "legacy" text, "total" numeric(10, 2));',
    "0001_check": 'ALTER TABLE "posts" ADD CONSTRAINT "posts_note_nn" CHECK ("note" IS NOT NULL) NOT VALID;',
    # pending from here
    "0002_widen": 'ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE varchar(128);' + B
                  + 'ALTER TABLE "posts" ALTER COLUMN "total" SET DATA TYPE numeric(12, 2);',
    "0003_not_null": 'ALTER TABLE "posts" VALIDATE CONSTRAINT "posts_note_nn";' + B
                     + 'ALTER TABLE "posts" ALTER COLUMN "note" SET NOT NULL;',
    "0004_risky": 'ALTER TABLE "posts" ALTER COLUMN "status" SET DATA TYPE text;' + B
                  + 'ALTER TABLE "posts" DROP COLUMN "legacy";' + B
                  + 'ALTER TABLE "posts" ADD COLUMN "code" uuid DEFAULT gen_random_uuid();' + B
                  + 'ALTER TABLE "posts" ADD COLUMN "seen_at" timestamptz DEFAULT now();',
}
EXPECTED = {("change-column-type", "0004_risky", 0), ("drop-column", "0004_risky", 1),
            ("add-column-volatile-default", "0004_risky", 2)}


def found(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str, int]]:
    assert result.returncode in (0, 1), result.stderr
    return {(f["rule"], f["tag"], f["statement"]) for f in json.loads(result.stdout)["findings"]
            if f["severity"] != "info" and not f["suppressed"]}


def test_the_live_database_the_pending_batch_and_the_folders_history_agree(tmp_path, database_url):
    root = sql_project(tmp_path, {t: s.encode() for t, s in HISTORY.items()}, database_url=database_url, applied=2)
    pending = neontui("lint", "--pending", "--format", "json", cwd=root, url=database_url)
    files = [f"drizzle/{t}.sql" for t in ("0002_widen", "0003_not_null", "0004_risky")]
    live = neontui("lint", *files, "--url", database_url, "--format", "json", cwd=root)
    history = neontui("lint", "drizzle", "--after", "0001_check", "--format", "json", cwd=root)
    named = neontui("lint", *files, "--format", "json", cwd=root)
    assert found(pending) == found(live) == found(history) == found(named) == EXPECTED
    assert json.loads(live.stdout)["schema_origin"] == "the live database"
    assert "snapshots" in json.loads(history.stdout)["schema_origin"]


def test_without_any_schema_a_loose_copy_is_reviewed_cautiously(tmp_path):
    root = sql_project(tmp_path, {t: s.encode() for t, s in HISTORY.items()})
    loose = tmp_path / "0002_widen.sql"
    loose.write_text(HISTORY["0002_widen"])
    assert {r for r, _, _ in found(neontui("lint", str(loose), "--format", "json", cwd=root))} == \
        {"change-column-type"}  # the old types are unknown: a change is assumed to rewrite


def test_a_not_valid_check_the_database_holds_decides_set_not_null(tmp_path, database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute('CREATE TABLE "orders" ("id" int PRIMARY KEY, "note" text);'
                     'ALTER TABLE "orders" ADD CONSTRAINT "orders_note_nn" CHECK ("note" IS NOT NULL) NOT VALID')
    only_set = tmp_path / "set.sql"
    only_set.write_text('ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;')
    both = tmp_path / "both.sql"
    both.write_text('ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_note_nn";' + B + only_set.read_text())
    assert found(neontui("lint", str(only_set), "--url", database_url, "--format", "json")) == \
        {("set-not-null", "set", 0)}
    assert found(neontui("lint", str(both), "--url", database_url, "--format", "json")) == set()


def test_a_finding_says_how_many_rows_the_table_holds_or_why_that_is_unknown(tmp_path, database_url):
    root = sql_project(tmp_path, {"0000_init": b'CREATE TABLE "users" ("id" integer, "name" varchar(40));',
                                  "0001_retype": b'ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE integer '
                                                 b'USING 0;'}, database_url=database_url, applied=1)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO users SELECT g, 'n' FROM generate_series(1, 3) g")
        conn.execute("ANALYZE users")
    live = neontui("lint", "drizzle/0001_retype.sql", "--url", database_url, "--format", "json", cwd=root)
    offline = neontui("lint", "drizzle/0001_retype.sql", "--format", "json", cwd=root)
    (seen,), (guessed,) = json.loads(live.stdout)["findings"], json.loads(offline.stdout)["findings"]
    assert seen["rule"] == guessed["rule"] == "change-column-type"
    assert seen["rows"] == "about 3 (the database's estimate)"
    assert guessed["rows"].startswith("unknown: no database was read")
    assert "  = rows: about 3 (the database's estimate)" in neontui("lint", "drizzle/0001_retype.sql", "--url",
                                                                    database_url, cwd=root).stdout


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True, timeout=30)


def test_since_reviews_what_a_branch_adds_including_files_not_committed_yet(tmp_path):
    root = sql_project(tmp_path, {t: s.encode() for t, s in list(HISTORY.items())[:3]})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    project = sql_project(tmp_path / "next", {t: s.encode() for t, s in HISTORY.items()})
    for name in ("0003_not_null.sql", "0004_risky.sql", "meta/_journal.json"):
        (root / "drizzle" / name).write_bytes((project / "drizzle" / name).read_bytes())
    git(root, "add", "drizzle/0003_not_null.sql", "drizzle/meta/_journal.json")
    git(root, "commit", "-q", "-m", "one committed, one not")
    result = neontui("lint", "--since", "main", "--format", "json", cwd=root)
    assert json.loads(result.stdout)["migrations"] == ["0003_not_null", "0004_risky"]
    assert found(result) == EXPECTED
    nothing = neontui("lint", "--since", "HEAD", "--format", "json", cwd=root)
    assert nothing.returncode == 0 and "0004_risky" in json.loads(nothing.stdout)["migrations"]  # untracked: new


def test_bad_since_and_after_are_one_line(tmp_path):
    root = sql_project(tmp_path, {t: s.encode() for t, s in HISTORY.items()})
    assert_one_line_error(neontui("lint", "--after", "0009_nope", cwd=root), 64, "--after 0009_nope")
    assert_one_line_error(neontui("lint", "--since", "main", cwd=root), 64, "git")
    assert_one_line_error(neontui("lint", "drizzle", "--url", "postgresql://u@localhost/x", cwd=root), 64,
                          "not a folder")
    both = neontui("lint", "--since", "main", "--after", "0000_init", cwd=root)
    assert both.returncode == 64 and "not allowed with" in both.stderr
