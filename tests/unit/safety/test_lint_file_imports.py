"""`neontui lint FILE` reads one file and parses it: its start-up must not pay for what only a project, a database
or a migrations folder's history needs (the config reader, the gate, the driver, drizzle's snapshots and the schema
replay), nor for what only the SARIF output uses."""

from __future__ import annotations

from tests.helpers import command_imports, of_families

# Module families a loose file's lint does not need, each imported by the code path that uses it.
NOT_FOR_A_FILE = ("psycopg", "neontui.core.drizzle.project", "neontui.core.drizzle.config_reader",
                  "neontui.core.gate", "neontui.core.db", "neontui.core.drizzle.snapshots",
                  "neontui.core.safety.history", "neontui.core.sql.replay", "neontui.core.safety.examples",
                  "importlib.metadata", "textual")

def test_lint_of_a_file_loads_no_project_database_or_history_code(tmp_path):
    path = tmp_path / "0001_add.sql"
    path.write_text('ALTER TABLE "users" ADD COLUMN "name" text;\n--> statement-breakpoint\n'
                    'ALTER TABLE "users" DROP COLUMN "legacy";\n')
    _code, review, modules = command_imports("lint", str(path), "--format", "json", cwd=tmp_path)
    assert [f["rule"] for f in review["findings"]] == ["drop-column"]  # the review itself still ran
    assert of_families(modules, NOT_FOR_A_FILE) == []
