"""Hostile input: whatever a project, a journal, a config or a command line holds, neontui answers with one line.

The family: NUL bytes in migration SQL, bad flag values, broken journals and folders, config syntax errors. Each
case ends in a documented exit code with one line on stderr (`neontui: error: …`) — never exit 70, a traceback or
a hang — or, for SQL that PostgreSQL cannot run as written, a `status` problem, a `lint` error and a refusal before
anything runs. Real PostgreSQL, real `neontui` processes, and the real drizzle-kit where the claim is about it.

To extend the family: add a row to the matching table (`JOURNAL_CASES`, `BAD_FLAGS`, `BAD_CONFIGS`,
`GOOD_CONFIGS`); run the command with `neontui(...)` and check the answer with `assert_one_line_error`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from neontui.core.drizzle.config_file import read_config
from neontui.core.drizzle.journal import read_journal
from neontui.core.errors import ConfigError, JournalError
from neontui.core.gate.settings import load_settings
from neontui.core.migrate.dryrun import dry_run
from neontui.core.migrate.migrator import run
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import write_project
from tests.factories import entry, sql_project
from tests.helpers import assert_one_line_error, ledger_rows, neontui

NUL_SQL = b'CREATE TABLE "n1" (id int);\x00CREATE TABLE "n2" (id int);'
NUL_AT = "0000_n.sql:1:28"  # the NUL is the 28th character of line 1


def nul_project(root: Path, sql: bytes = NUL_SQL) -> Path:
    return sql_project(root, {"0000_n": sql})


def tables(url: str, *names: str) -> list[str]:
    """Which of `names` exist (as tables) in the database."""
    with psycopg.connect(url) as conn:
        return [n for n in names if conn.execute("select to_regclass(%s)", (n,)).fetchone()[0] is not None]


def untouched(url: str) -> bool:
    """Nothing ran: no migration table, no ledger (not even its schema)."""
    with psycopg.connect(url) as conn:
        schema = conn.execute("select 1 from pg_namespace where nspname = 'drizzle'").fetchone()
    return not tables(url, "n1", "n2") and schema is None


# --- NUL bytes in migration SQL ---------------------------------------------------------------------------------

def test_status_reports_a_nul_byte_as_a_problem(tmp_path, database_url):
    result = neontui("status", str(nul_project(tmp_path / "p")), "--json", url=database_url, state=tmp_path)
    assert result.returncode == 2, result.stderr
    problems = json.loads(result.stdout)["summary"]["problems"]
    (nul,) = [p for p in problems if p["code"] == "nul-byte"]
    assert nul["tag"] == "0000_n" and "line 1, column 28" in nul["message"]


def test_lint_reports_the_nul_byte_as_an_error_and_still_reviews_what_follows(tmp_path):
    path = tmp_path / "0000_n.sql"
    path.write_bytes(b'CREATE TABLE "n1" (id int);\n  \x00DROP TABLE "old";')
    result = neontui("lint", str(path), "--format", "json", url="", state=tmp_path)
    assert result.returncode == 1, result.stderr
    findings = [(f["rule"], f["severity"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [("nul-byte", "error", 2, 3), ("drop-table", "warning", 2, 4)]
    text = neontui("lint", str(path), url="", state=tmp_path).stdout
    assert "0000_n.sql:2:3: error[nul-byte]" in text


@pytest.mark.parametrize("flags", [["--dry-run"], [], ["--per-migration"]], ids=["dry-run", "migrate", "per-migration"])
def test_migrate_and_dry_run_refuse_a_nul_byte_before_anything_runs(tmp_path, database_url, flags):
    result = neontui("migrate", str(nul_project(tmp_path / "p")), *flags, url=database_url, state=tmp_path)
    assert_one_line_error(result, 3, f"{NUL_AT}: a NUL byte")
    assert "nothing was run" in result.stderr
    assert untouched(database_url) and ledger_rows(database_url) == []


@pytest.mark.parametrize("runner", [
    lambda conn, journal: run(conn, journal, "drizzle", "__drizzle_migrations"),
    lambda conn, journal: dry_run(conn, journal, "drizzle", "__drizzle_migrations"),
], ids=["migrator.run", "dryrun.dry_run"])
def test_the_core_runners_refuse_a_nul_byte_before_the_ledger(tmp_path, database_url, runner: Callable):
    journal = read_journal(nul_project(tmp_path / "p") / "drizzle")
    with psycopg.connect(database_url, autocommit=True) as conn, pytest.raises(JournalError, match=NUL_AT):
        runner(conn, journal)
    assert untouched(database_url)


@pytest.mark.drizzle
def test_drizzle_kit_itself_fails_on_a_nul_byte(tmp_path, database_url):
    """The claim behind the refusal: drizzle-kit migrate exits 1 (PostgreSQL answers 08P01 "invalid message
    format" to the whole query) and prints no reason; nothing is applied."""
    root = write_project(nul_project(tmp_path / "p"))
    result = run_drizzle_kit(root, "migrate", env={"DATABASE_URL": database_url})
    assert result.returncode == 1, result.stdout + result.stderr
    assert not tables(database_url, "n1", "n2") and ledger_rows(database_url) == []


@pytest.mark.drizzle
def test_the_drizzle_kit_engine_refuses_a_nul_byte_before_running(tmp_path, database_url):
    blocked = write_project(nul_project(tmp_path / "blocked"))
    result = neontui("migrate", str(blocked), "--engine", "drizzle-kit", url=database_url, state=tmp_path)
    assert result.returncode == 1 and "nul-byte" in result.stdout  # the review's error blocks it
    # Suppressed in the review, the file still cannot run: the engine refuses it before the restore point.
    ignored = write_project(nul_project(tmp_path / "ignored", b"-- neontui-ignore: nul-byte\n" + NUL_SQL))
    result = neontui("migrate", str(ignored), "--engine", "drizzle-kit", "--json", url=database_url, state=tmp_path)
    assert result.returncode == 3, result.stderr
    doc = json.loads(result.stdout)
    assert "0000_n.sql:2:28: a NUL byte" in doc["error"]["message"] and doc["restore_point"] is None
    assert untouched(database_url)


# --- bad flag values ---------------------------------------------------------------------------------------------

BAD_FLAGS = [
    (["migrate", "--lock-timeout", "abc"], "argument --lock-timeout: must be a PostgreSQL duration"),
    (["migrate", "--statement-timeout", "forever"], "argument --statement-timeout: must be a PostgreSQL duration"),
    (["migrate", "--lock-timeout=-5s"], "argument --lock-timeout: must be a PostgreSQL duration"),
    (["migrate", "--lock-timeout", "-5s"], "argument --lock-timeout: expected one argument"),
    (["migrate", "--lock-timeout", "25d"], "argument --lock-timeout: must be at most 2147483647ms"),
    (["migrate", "--dry-run", "--statement-timeout", "2147483648"], "must be at most 2147483647ms"),
    (["migrate", "--lock-wait", "nan"], "argument --lock-wait: must be a number of seconds, 0 or more"),
    (["migrate", "--lock-wait", "-1"], "argument --lock-wait: must be a number of seconds"),
    (["migrate", "--lock-wait", "inf"], "argument --lock-wait: must be a number of seconds"),
    (["migrate", "--lock-wait", "soon"], "argument --lock-wait: must be a number of seconds"),
    (["audit", "--limit", "-3"], "argument --limit: must be a whole number, 0 or more"),
    (["studio", "--port", "0"], "argument --port: must be a port number from 1 to 65535"),
    (["studio", "--port", "70000"], "argument --port: must be a port number from 1 to 65535"),
]


@pytest.mark.parametrize(("argv", "fragment"), BAD_FLAGS, ids=[" ".join(a) for a, _ in BAD_FLAGS])
def test_bad_flag_values_are_usage_errors(tmp_path, database_url, argv, fragment):
    root = sql_project(tmp_path / "p", {"0000_a": b'CREATE TABLE "a" (id int);'})
    command, *flags = argv
    assert_one_line_error(neontui(command, str(root), *flags, url=database_url, state=tmp_path), 64, fragment)
    assert ledger_rows(database_url) == [] and not tables(database_url, "a")  # not blamed on the migration: nothing ran


def test_good_flag_values_still_work(tmp_path, database_url):
    root = sql_project(tmp_path / "p", {"0000_a": b'CREATE TABLE "a" (id int);'})
    result = neontui("migrate", str(root), "--lock-timeout", "24d", "--statement-timeout", "1.5 min",
                     "--lock-wait", "0", url=database_url, state=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tables(database_url, "a") == ["a"] and len(ledger_rows(database_url)) == 1
    assert neontui("audit", str(root), "--limit", "0", url=database_url, state=tmp_path).returncode == 0


def test_neontui_toml_timeouts_use_the_same_check(tmp_path):
    (tmp_path / "neontui.toml").write_text('lock_timeout = "25d"\n')
    with pytest.raises(ConfigError, match="lock_timeout must be at most 2147483647ms"):
        load_settings(tmp_path)


# --- broken journals and folders ---------------------------------------------------------------------------------

JOURNAL = Path("drizzle") / "meta" / "_journal.json"
DEEP = "[" * 100_000 + "]" * 100_000


def _journal(root: Path, text: str) -> None:
    (root / JOURNAL).write_text(text)


def _entries(root: Path, **fields: object) -> None:
    """The journal with one entry, 0000_a, with `fields` changed."""
    document = {"version": "7", "dialect": "postgresql", "entries": [{**entry(0, "0000_a", 1000), **fields}]}
    _journal(root, json.dumps(document))


def _edit(old: str, new: str) -> Callable[[Path], None]:
    """Replace text in the journal as sql_project wrote it (`"idx": 0`, `"when": 1000`, …)."""
    return lambda root: _journal(root, (root / JOURNAL).read_text().replace(old, new, 1))


def _replace(name: str, make: Callable[[Path], object]) -> Callable[[Path], None]:
    """Put something else where the file `name` (relative to the project) was."""
    def replace(root: Path) -> None:
        (root / name).unlink()
        make(root / name)
    return replace


def _out_loop(root: Path) -> None:
    shutil.rmtree(root / "drizzle")
    os.symlink("loop", root / "loop")  # `ln -s loop loop`
    os.symlink("loop", root / "drizzle")


JOURNAL_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "nul-in-tag": (lambda r: _entries(r, tag="0000_a\x00b"), "entries[0] has a NUL byte in its tag"),
    "deep-journal": (lambda r: _journal(r, DEEP), "_journal.json: invalid journal: nested too deeply"),
    "deep-value-in-entry": (_edit('"idx": 0', f'"idx": 0, "x": {DEEP}'), "invalid journal: nested too deeply"),
    "out-symlink-loop": (_out_loop, "cannot be resolved: a symbolic link loop"),
    "nul-in-out": (lambda r: (r / "drizzle.config.ts").write_text(
        (r / "drizzle.config.ts").read_text().replace("'./drizzle'", "'./dri\\0zzle'")), "has a NUL byte in its name"),
    "journal-is-a-directory": (_replace(str(JOURNAL), Path.mkdir), "_journal.json: cannot read: Is a directory"),
    "journal-is-a-fifo": (_replace(str(JOURNAL), os.mkfifo), "_journal.json: cannot read: not a regular file"),
    "sql-is-a-directory": (_replace("drizzle/0000_a.sql", Path.mkdir), "0000_a.sql: cannot read: Is a directory"),
    "sql-is-a-fifo": (_replace("drizzle/0000_a.sql", os.mkfifo), "0000_a.sql: cannot read: not a regular file"),
    "when-beyond-bigint": (lambda r: _entries(r, when=10**30), "outside the ledger's bigint created_at"),
    "number-of-5000-digits": (_edit('"when": 1000', '"when": 1' + "0" * 5000),
                              "invalid journal: a number 5001 digits long"),
    "NaN": (_edit('"idx": 0', '"idx": NaN'), "invalid journal: NaN is not JSON"),
}


@pytest.mark.parametrize("case", list(JOURNAL_CASES))
def test_broken_journals_and_folders_are_one_line_errors(tmp_path, database_url, case):
    root = sql_project(tmp_path / "p", {"0000_a": b'CREATE TABLE "a" (id int);'})
    breaking, fragment = JOURNAL_CASES[case]
    breaking(root)
    for command in (["status", str(root)], ["lint", "--project", str(root)], ["migrate", str(root)],
                    ["rollback-sql", "0000", str(root)]):
        assert_one_line_error(neontui(*command, url=database_url, state=tmp_path), 3, fragment)
    assert ledger_rows(database_url) == []


@pytest.mark.parametrize("unreadable", [str(JOURNAL), "drizzle/0000_a.sql"])
def test_an_unreadable_file_is_one_line(unreadable):
    """chmod 000 stops only other users: as root, neontui runs as `nobody` (setpriv), on a world-readable copy."""
    as_other = [] if os.geteuid() else [shutil.which("setpriv") or pytest.skip("setpriv is not installed"),
                                        "--reuid=65534", "--regid=65534", "--clear-groups"]
    root = Path(tempfile.mkdtemp(prefix="neontui-unreadable-"))
    try:
        sql_project(root / "p", {"0000_a": b"SELECT 1;"})
        for path in (root, *root.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "p" / unreadable).chmod(0)
        env = {**os.environ, "HOME": str(root), "XDG_STATE_HOME": str(root / "state"),
               "DATABASE_URL": "postgresql://app@127.0.0.1:1/app"}
        for command in (["status", str(root / "p")], ["lint", "--project", str(root / "p")]):
            result = subprocess.run([*as_other, sys.executable, "-m", "neontui", *command], env=env, cwd=root,
                                    capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
            assert_one_line_error(result, 3, f"{Path(unreadable).name}: cannot read: Permission denied")
    finally:
        shutil.rmtree(root)


def test_a_tag_names_the_file_drizzle_reads(tmp_path):
    """drizzle reads `${folder}/${tag}.sql`: a leading "/" stays inside the folder, a sub-folder is followed."""
    root = sql_project(tmp_path / "p", {"0000_a": b"SELECT 1;"})
    (root / "drizzle" / "sub").mkdir()
    (root / "drizzle" / "sub" / "0001_b.sql").write_bytes(b"SELECT 2;")
    _journal(root, json.dumps({"version": "7", "dialect": "postgresql",
                               "entries": [entry(0, "/0000_a", 1000), entry(1, "sub/0001_b", 2000)]}))
    first, second = read_journal(root / "drizzle").entries
    assert first.path == root / "drizzle" / "0000_a.sql" and first.raw == b"SELECT 1;"
    assert second.raw == b"SELECT 2;"


def test_a_migration_date_no_calendar_shows_is_printed_as_a_number(tmp_path, database_url):
    root = sql_project(tmp_path / "p", {"0000_a": b'CREATE TABLE "a" (id int);'})
    _entries(root, when=2**62)
    result = neontui("status", str(root), url=database_url, state=tmp_path)
    assert result.returncode == 1, result.stderr
    assert str(2**62) in result.stdout


# --- config syntax errors ----------------------------------------------------------------------------------------

HEAD = "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({\n"
URL = "  dbCredentials: { url: process.env.DATABASE_URL! },\n"
# (config text, what neontui says); the real drizzle-kit rejects every one of them (test below).
BAD_CONFIGS = {
    "unterminated-brace": (HEAD + "  dialect: 'postgresql',\n  out: './drizzle',\n" + URL,
                           "6:1: syntax error: unexpected end of file: the '{' at line 2, column 29 is never closed"),
    "double-comma": (HEAD + "  dialect: 'postgresql',,\n  out: './drizzle',\n" + URL + "});\n",
                     "3:25: syntax error: expected a property name but found ','"),
    "trailing-garbage": (HEAD + "  dialect: 'postgresql',\n  out: './drizzle',\n" + URL + "}) garbage here;\n",
                         "6:4: syntax error: expected ';' but found 'garbage'"),
    "mismatched-brackets": (HEAD + "  dialect: 'postgresql',\n  out: './drizzle',\n"
                            "  dbCredentials: { url: process.env.DATABASE_URL! ],\n});\n",
                            "5:51: syntax error: expected '}' but found ']'"),
    "missing-comma": (HEAD + "  dialect: 'postgresql',\n  out: './drizzle'\n" + URL + "});\n",
                      "5:3: syntax error: expected ',' or '}' but found 'dbCredentials'"),
    "missing-comma-before-out": (HEAD + "  dialect: 'postgresql'\n  out: './drizzle',\n" + URL + "});\n",
                                 "4:3: syntax error: expected ',' or '}' but found 'out'"),
    "missing-value": (HEAD + "  dialect: ,\n  out: './drizzle',\n});\n", "3:12: syntax error: expected a value"),
    "missing-colon": (HEAD + "  dialect 'postgresql',\n  out: './drizzle',\n});\n",
                      "3:11: syntax error: expected ',' or '}' but found \"'postgresql'\""),
    "array-missing-comma": (HEAD + "  dialect: 'postgresql',\n  schema: ['./a.ts' './b.ts'],\n  out: './drizzle',\n"
                            "});\n", "4:21: syntax error: expected ',' or ']'"),
    "stray-closing-paren": (HEAD + "  dialect: 'postgresql',\n  out: './drizzle',\n" + URL + "}));\n",
                            "6:3: syntax error: unexpected ')'"),
}
# Configs drizzle-kit loads that a strict reader could mistake for errors; neontui reads `out` from each.
GOOD_CONFIGS = {
    "satisfies-and-comments": "import type { Config } from 'drizzle-kit';\n// top\nexport default {\n"
                              "  /* block */ dialect: 'postgresql', // end of line\n  out: `./drizzle`,\n"
                              "  dbCredentials: { url: process.env.DATABASE_URL!, },\n} satisfies Config;\n",
    "typed-const-no-semicolons": "import type { Config } from 'drizzle-kit'\nconst out = './drizzle'\n"
                                 "const config: Config = {\n  dialect: 'postgresql',\n  out,\n" + URL + "}\n"
                                 "export default config\nconsole.log(config.out)\n",
    "expressions": HEAD.replace("defineConfig({", "defineConfig({\n  out: './drizzle',") +
                   "  dialect: process.env.CI\n    ? 'postgresql'\n    : 'postgresql',\n"
                   "  schema: [() => 1].length > 0 ? './schema.ts' : String(1),\n"
                   "  dbCredentials: { get url() { return process.env.DATABASE_URL as string; } },\n"
                   "  verbose: !process.env.QUIET && typeof process !== 'undefined' && 'x' in process.env,\n"
                   "  strict: new Date() instanceof Date,\n  tablesFilter: [`${'a'}*`, /[}]/.source],\n});\n",
    "generic-arrow-and-spread": "import { defineConfig } from 'drizzle-kit';\n"
                                "const base = { dialect: 'postgresql' as const };\n"
                                "const pick = <T,>(value: T | undefined, fallback: T): T => value ?? fallback;\n"
                                "export default defineConfig({\n  ...base,\n  out: './drizzle',\n"
                                "  schema: pick<string>(process.env.SCHEMA, './schema.ts'),\n" + URL + "});\n",
}


def _config_project(root: Path, text: str) -> Path:
    root = sql_project(root, {"0000_a": b'CREATE TABLE "a" (id int);'})
    (root / "drizzle.config.ts").write_text(text)
    (root / "schema.ts").write_text("export {};\n")
    return root


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_config_syntax_errors_name_the_line_and_column(tmp_path, database_url, case):
    text, fragment = BAD_CONFIGS[case]
    root = _config_project(tmp_path / "p", text)
    assert_one_line_error(neontui("status", str(root), url=database_url, state=tmp_path), 3,
                          f"drizzle.config.ts:{fragment}")


@pytest.mark.parametrize("case", list(GOOD_CONFIGS))
def test_valid_configs_stay_readable(tmp_path, case):
    assert read_config(_config_project(tmp_path / "p", GOOD_CONFIGS[case]) / "drizzle.config.ts").out == "./drizzle"


@pytest.mark.drizzle
def test_drizzle_kit_rejects_and_accepts_the_same_configs(tmp_path):
    """The tables above are drizzle-kit's own verdicts: `drizzle-kit check` fails to load every bad config, its
    esbuild naming the same place (with 0-based columns), and loads every good one."""
    for name, text in {**{k: v for k, (v, _) in BAD_CONFIGS.items()}, **GOOD_CONFIGS}.items():
        root = write_project(tmp_path / name)
        _config_project(root, text)
        result = run_drizzle_kit(root, "check", env={"DATABASE_URL": "postgresql://app@127.0.0.1:1/app"})
        output = result.stdout + result.stderr
        if name in BAD_CONFIGS:
            line, column, _ = BAD_CONFIGS[name][1].split(":", 2)
            where = f"drizzle.config.ts:{line}:{int(column) - 1}: ERROR"
            assert result.returncode == 1 and where in output, (name, output)
        else:
            assert result.returncode == 0 and "Everything's fine" in output, (name, output)
