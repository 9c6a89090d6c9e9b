"""What a command loads: `neontui status` reads files and one catalog, so it must not pay for the console
(textual), the SQL parser (pglast), the safety review or drizzle-kit's runner, each imported only by the commands
that use them (cli.main imports only the module of the command being run; docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys

from neontui.core.errors import ExitCode
from tests.factories import sql_project
from tests.helpers import command_imports, of_families

B = b"--> statement-breakpoint\n"
# Module families `status` must not load: the console's library, the parser, the review, the kit's runner.
NOT_FOR_STATUS = ("textual", "rich", "pglast", "neontui.tui", "neontui.core.safety", "neontui.core.kit.session",
                  "neontui.core.kit.json_output", "neontui.core.migrate")

def test_status_loads_neither_the_console_nor_the_parser_nor_the_kit_runner(tmp_path, database_url):
    files = {"0000_init": b'CREATE TABLE "users" ("id" serial PRIMARY KEY);\n' + B + b'CREATE INDEX ON "users" (id);\n',
             "0001_more": b'ALTER TABLE "users" ADD COLUMN "name" text;\n',
             "0002_pending": b"DO $$ BEGIN\n  PERFORM 1; -- a body with ; inside\nEND $$;\n"}
    root = sql_project(tmp_path / "app", files, database_url=database_url, applied=2)
    for run in ("first, nothing cached", "second"):
        code, status, modules = command_imports("status", str(root), "--json", "--url", database_url)
        assert code == ExitCode.PENDING, (run, status)
        assert [m["tag"] for m in status["migrations"] if m["state"] == "pending"] == ["0002_pending"]
        assert of_families(modules, NOT_FOR_STATUS) == [], run
    assert "psycopg" in modules  # the probe sees what status really imported: the ledger's driver


# What a development `migrate` with nothing pending (a deploy pipeline's usual run) must not load: the review's rules
# and engine (neontui's plan needs no review there), the parser (no statement to plan), Neon's HTTP client (no
# backup is planned off Neon), the console.
NOT_FOR_A_NOOP_MIGRATE = ("textual", "rich", "pglast", "neontui.tui", "neontui.core.safety.engine",
                          "neontui.core.safety.rules", "neontui.core.neon.client", "httpx")


def test_a_migrate_with_nothing_pending_loads_neither_the_review_nor_the_parser_nor_neons_client(tmp_path,
                                                                                                 database_url):
    files = {"0000_init": b'CREATE TABLE "users" ("id" serial PRIMARY KEY);\n',
             "0001_more": b'ALTER TABLE "users" ADD COLUMN "name" text;\n'}
    root = sql_project(tmp_path / "app", files, database_url=database_url, applied=2)
    code, outcome, modules = command_imports("migrate", str(root), "--json", "--url", database_url)
    assert code == ExitCode.OK, outcome
    assert outcome == {"applied": [], "pending": [], "exit_code": 0}
    assert of_families(modules, NOT_FOR_A_NOOP_MIGRATE) == []
    assert "neontui.core.migrate.migrator" in modules  # the probe saw the run itself


def test_every_command_still_parses_and_help_lists_them_all():
    from neontui.cli.main import COMMANDS

    result = subprocess.run([sys.executable, "-m", "neontui", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout
        sub = subprocess.run([sys.executable, "-m", "neontui", command, "--help"], capture_output=True, text=True,
                             timeout=60)
        assert sub.returncode == 0 and sub.stdout.startswith(f"usage: neontui {command}"), (command, sub.stderr)
