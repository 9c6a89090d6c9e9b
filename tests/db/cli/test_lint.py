"""`neontui lint` and `neontui rollback-sql` as a user runs them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg

from tests.factories import sql_project
from tests.helpers import neontui

B = "--> statement-breakpoint\n"
RISKY = (b'ALTER TABLE "users" ADD COLUMN "billing_email" text NOT NULL;' + B.encode()
         + b'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");')


def project(root: Path, database_url: str | None = None, applied: int = 0) -> Path:
    return sql_project(root, {"0000_init": b'CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text);',
                              "0001_risky": RISKY}, database_url=database_url, applied=applied)


def test_text_output_is_compiler_style_with_help_and_exit_code(tmp_path):
    path = tmp_path / "0001_risky.sql"
    path.write_bytes(RISKY)
    result = neontui("lint", str(path), cwd=tmp_path)
    assert result.returncode == 1  # cannot-run-in-transaction is an error
    lines = result.stdout.splitlines()
    assert lines[0] == ('0001_risky.sql:1:1: warning[add-column-required-no-default]: adding NOT NULL column '
                        '"billing_email" of "users" without a default fails if "users" has rows, and breaks '
                        'inserts of the running application')
    assert '0001_risky.sql:2:1: error[cannot-run-in-transaction]: CREATE INDEX CONCURRENTLY "users_email_idx" ' \
           'cannot run inside the migration transaction (25001)' in lines
    assert any(line.startswith("  = help: ") for line in lines)
    assert lines[-1] == "lint: 1 error(s), 1 warning(s), 0 info, 0 suppressed in 1 migration(s), 2 statement(s)"


def test_warnings_only_exit_zero_unless_fail_on_warning(tmp_path):
    path = tmp_path / "a.sql"
    path.write_text('DROP TABLE "old";')
    assert neontui("lint", str(path)).returncode == 0
    assert neontui("lint", str(path), "--fail-on", "warning").returncode == 1


def test_json_and_github_formats(tmp_path):
    path = tmp_path / "0001_risky.sql"
    path.write_bytes(RISKY)
    doc = json.loads(neontui("lint", str(path), "--format", "json").stdout)
    assert doc["schema_version"] == 1 and doc["summary"] == {"errors": 1, "warnings": 1, "info": 0, "suppressed": 0}
    first = doc["findings"][0]
    assert {k: first[k] for k in ("rule", "severity", "class", "tag", "statement", "line", "column", "file")} == {
        "rule": "add-column-required-no-default", "severity": "warning", "class": "backward-incompatible",
        "tag": "0001_risky", "statement": 0, "line": 1, "column": 1, "file": os.path.relpath(path)}
    github = neontui("lint", str(path), "--format", "github", cwd=tmp_path).stdout.splitlines()
    assert github[1].startswith("::error file=0001_risky.sql,line=2,col=1,title=cannot-run-in-transaction::")


def test_a_folder_is_reviewed_migration_by_migration_in_journal_order(tmp_path):
    out = project(tmp_path) / "drizzle"
    doc = json.loads(neontui("lint", str(out), "--format", "json").stdout)
    assert doc["migrations"] == ["0000_init", "0001_risky"]
    # "users" exists (and has rows) by the time 0001 reaches a database, as when the pending batch is 0001 alone
    assert [f["rule"] for f in doc["findings"]] == ["add-column-required-no-default", "cannot-run-in-transaction"]
    loose = [tmp_path / "a.sql", tmp_path / "b.sql"]
    for path, name in zip(loose, ("0000_init.sql", "0001_risky.sql"), strict=True):
        path.write_bytes((out / name).read_bytes())
    one_run = json.loads(neontui("lint", *map(str, loose), "--format", "json").stdout)
    assert [f["rule"] for f in one_run["findings"]] == ["cannot-run-in-transaction"]  # loose files: one run


def test_pending_reviews_what_drizzle_would_run_with_the_server_version(tmp_path, database_url):
    root = project(tmp_path, database_url, applied=1)
    result = neontui("lint", "--format", "json", cwd=root, env={"DATABASE_URL": database_url})
    doc = json.loads(result.stdout)
    with psycopg.connect(database_url) as conn:
        version = int(conn.execute("show server_version_num").fetchone()[0])
    assert doc["migrations"] == ["0001_risky"] and doc["pg_version"] == version
    assert [f["rule"] for f in doc["findings"]] == ["add-column-required-no-default", "cannot-run-in-transaction"]
    assert result.returncode == 1


def test_pending_uses_live_column_types(tmp_path, database_url):
    sql_project(tmp_path, {"0000_init": b'CREATE TABLE "users" ("name" varchar(40));',
                           "0001_widen": b'ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE varchar(80);'},
                database_url=database_url, applied=1)
    loose = tmp_path / "widen.sql"
    loose.write_bytes((tmp_path / "drizzle" / "0001_widen.sql").read_bytes())
    offline = json.loads(neontui("lint", str(loose), "--format", "json", cwd=tmp_path).stdout)
    assert [f["rule"] for f in offline["findings"]] == ["change-column-type"]  # the old type is unknown
    live = json.loads(neontui("lint", "--pending", "--format", "json", cwd=tmp_path,
                              env={"DATABASE_URL": database_url}).stdout)
    assert live["findings"] == []  # the server says varchar(40): widening needs no rewrite


def test_bad_input_is_one_line(tmp_path):
    missing = neontui("lint", str(tmp_path / "nope.sql"))
    assert missing.returncode == 64 and missing.stderr.startswith("neontui: error: ") and "does not exist" in \
        missing.stderr and "Traceback" not in missing.stderr
    version = neontui("lint", str(tmp_path), "--pg-version", "sixteen")
    assert version.returncode == 64 and "not a PostgreSQL version" in version.stderr
    binary = tmp_path / "b.sql"
    binary.write_bytes(b"\xff\xfe\x00garbage\x00;--> statement-breakpoint\nDROP TABLE \"x\";")
    result = neontui("lint", str(binary), "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["syntax-error", "nul-byte", "drop-table"]


def test_rollback_sql_prints_and_writes(tmp_path):
    root = project(tmp_path)
    printed = neontui("rollback-sql", "0001", str(root))
    assert printed.returncode == 0
    assert 'DROP INDEX CONCURRENTLY "users_email_idx";' in printed.stdout
    assert 'ALTER TABLE "users" DROP COLUMN "billing_email";' in printed.stdout
    target = tmp_path / "undo.sql"
    written = neontui("rollback-sql", "0001_risky", str(root), "--output", str(target))
    assert written.returncode == 0 and target.read_text() == printed.stdout
    unknown = neontui("rollback-sql", "0009", str(root))
    assert unknown.returncode == 64 and "is not in the journal" in unknown.stderr
