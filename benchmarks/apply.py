"""Apply benchmark: a fresh apply of a generated 300-migration project by neontui, drizzle-kit and psql.

    python -m benchmarks.apply [--quick]

On one embedded PostgreSQL started here (in a temporary folder, stopped at the end), each run gets a fresh,
empty database and applies the whole project (300 migrations; --quick: 30) with:
  1. neontui: `python -m neontui migrate DIR --url URL --json` (in a checkout without that command, neontui's
     migrator called from `python -c`: same library code, same one transaction);
  2. drizzle-kit: `node_modules/.bin/drizzle-kit migrate` with the real pinned drizzle-kit (tests/drizzle_env.py);
  3. psql: `psql -1 -f all.sql`, the concatenated SQL in one transaction (no ledger: the floor to compare with);
  4. the floor under any Python tool sending the statements with psycopg, as neontui does: the same interpreter
     starting, importing psycopg, and sending drizzle's statements one by one between BEGIN and COMMIT, as psql -1
     does (no ledger, no review, no lock: `FLOOR`).
Each is the median of several runs (5; --quick: 3) with min–max, process start included, database creation
not. Every run is checked afterwards (the ledger holds the journal's hashes in order, the final tables exist);
a tool with a failed run is reported as failed, with its error, and no time.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from benchmarks.common import bench_main, project_args
from benchmarks.generate import Schema, project
from benchmarks.interpreter import neontui_argv
from benchmarks.projects import subject
from neontui.core.db.connect import connect
from neontui.core.db.url import with_database
from neontui.core.drizzle.journal import read_journal
from neontui.core.migrate.migrator import run as migrator_run

RUN_TIMEOUT = 180.0  # one apply
TOOL_TIMEOUT = 60.0  # --help, --version, admin statements
TOOLS = ("neontui", "drizzle-kit", "psql -1", "floor")
FLOOR = ("import json, os, sys, psycopg\n"
         "conn = psycopg.connect(os.environ['DATABASE_URL'], autocommit=True, connect_timeout=10)\n"
         "conn.execute('BEGIN')\n"
         "for statement in json.load(open(sys.argv[1])): conn.execute(statement.encode())\n"
         "conn.execute('COMMIT')\n")

def neontui_apply(project_dir: Path, url: str) -> subprocess.CompletedProcess[str]:
    """Apply every migration of the project with neontui, in a process of its own."""
    argv = neontui_argv("migrate", str(project_dir), "--url", url, "--json")
    return subprocess.run(argv, cwd=project_dir, env=_env(DATABASE_URL=url), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)


def drizzle_apply(project_dir: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(project_dir / "node_modules" / ".bin" / "drizzle-kit"), "migrate"], cwd=project_dir,
                          env=_env(DATABASE_URL=url, FORCE_COLOR="0", NO_UPDATE_NOTIFIER="1"), capture_output=True,
                          text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)


def psql_apply(project_dir: Path, url: str) -> subprocess.CompletedProcess[str]:
    return psql_file(project_dir / "all.sql", url)


def floor_file(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """`FLOOR` on the statements listed in the JSON file at `path`."""
    from benchmarks.interpreter import clean_python

    return subprocess.run([clean_python(), "-c", FLOOR, str(path)], cwd=path.parent, env=_env(DATABASE_URL=url),
                          capture_output=True, text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)


def write_statements(path: Path, migrations: list[Any]) -> Path:
    """Every migration's statements as drizzle splits them (Migration.statements), in order, for `floor_file`."""
    path.write_text(json.dumps([statement for m in migrations for statement in m.statements]))
    return path


def psql_file(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", str(path), url],
                          cwd=path.parent, env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def _env(**extra: str) -> dict[str, str]:
    # No NEONTUI_* settings and no libpq PG* variables: every tool gets only the URL it is given.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEONTUI_", "PG"))}
    env.update(extra)
    return env


# --- setup --------------------------------------------------------------------------------------------------


def find_drizzle_kit() -> tuple[Path | None, str]:
    """The pinned drizzle-kit's node_modules (installed once into a cache), or None and why not."""
    if shutil.which("node") is None:
        return None, "node is not installed"
    try:
        from tests.drizzle_env import node_modules

        return node_modules(), ""
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        return None, f"could not install drizzle-kit: {exc}"


def _version(argv: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT, cwd=cwd,
                              stdin=subprocess.DEVNULL, env=_env(FORCE_COLOR="0"))
    except (subprocess.SubprocessError, OSError):
        return "unknown version"
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    return " ".join(lines) or "unknown version"


class Databases:
    """Fresh databases on the admin URL's server, dropped after use."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def _admin(self, statement: sql.Composable) -> None:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("SET statement_timeout = '60s'")
            conn.execute(statement)

    def create(self) -> tuple[str, str]:
        name = f"bench_{uuid.uuid4().hex[:12]}"
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # CREATE DATABASE copies its template through the WAL (PostgreSQL 15 and later): flush it now, so that every
        # timed run starts from the same server state instead of paying for the previous runs' checkpoints.
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            self._admin(sql.SQL("CHECKPOINT"))
        return name, with_database(self.admin_url, name)

    def drop(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


DRIZZLE_LEDGER = ("drizzle", "__drizzle_migrations")
_TABLES = ("select schemaname || '.' || tablename from pg_tables "
           "where schemaname not in ('pg_catalog', 'information_schema') and schemaname <> %s")


def tables_of(url: str, ledger_schema: str = DRIZZLE_LEDGER[0]) -> set[str]:
    """Every user table as schema.name, the ledger's schema left out."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        return {r[0] for r in conn.execute(_TABLES, (ledger_schema,))}


def check(url: str, tables: set[str], hashes: list[str] | None,
          ledger: tuple[str, str] = DRIZZLE_LEDGER) -> str | None:
    """Why the run did not apply everything (None when it did): the final tables, and the ledger if any."""
    found = tables_of(url, ledger[0])
    if found != tables:
        return f"{len(tables - found)} of the {len(tables)} expected tables missing, {len(found - tables)} extra"
    if hashes is None:
        return None
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        try:
            query = sql.SQL("select hash from {}.{} order by id").format(*map(sql.Identifier, ledger))
            rows = [r[0] for r in conn.execute(query)]
        except psycopg.errors.UndefinedTable:
            return f"no ledger table {ledger[0]}.{ledger[1]}"
    if rows != hashes:
        return f"the ledger has {len(rows)} rows, not the journal's {len(hashes)} hashes in order"
    return None


_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\[[\u2800-\u28ff]\] [^\n\x1b]*")  # colours, spinners


def _error(done: subprocess.CompletedProcess[str] | None, problem: str) -> str:
    if done is None:
        return problem
    text = _TERMINAL_CODES.sub("", done.stderr.strip() or done.stdout.strip()).strip()
    return f"{problem} (exit {done.returncode}): {text[-1500:]}"


def summary(times: list[float], errors: list[str], runs: int) -> dict[str, Any]:
    """Median and min–max, or failed (with the first error) when any run failed: no time for a failed tool."""
    if errors or not times:
        return {"failed": True, "error": errors[0] if errors else "not measured: no apply succeeded",
                "failed_runs": len(errors), "runs": runs, "median": None, "min": None, "max": None}
    return {"failed": False, "median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs,
            "times": times}


# --- the benchmark ------------------------------------------------------------------------------------------


Apply = Callable[[Path, str], subprocess.CompletedProcess[str]]


def timed_apply(apply: Apply, root: Path, url: str, tables: set[str], hashes: list[str] | None,
                ledger: tuple[str, str] = DRIZZLE_LEDGER) -> tuple[float | None, str | None]:
    """(seconds, None) when the run applied everything, else (None, why, with the tool's own error)."""
    done: subprocess.CompletedProcess[str] | None = None
    start = time.perf_counter()
    try:
        done = apply(root, url)
        elapsed = time.perf_counter() - start
        problem = check(url, tables, hashes, ledger)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {RUN_TIMEOUT:.0f} s"
    except psycopg.Error as exc:
        problem = f"could not check the database: {exc}"
    if problem is None and done.returncode != 0:
        problem = "applied everything but exited non-zero"
    return (elapsed, None) if problem is None else (None, _error(done, problem))


ROWS = ("apply", "noop")
Tools = dict[str, tuple[Apply, list[str] | None]]  # name → how it applies, and the ledger hashes it leaves (or None)
Times = dict[tuple[str, str], list[float]]  # (row, tool) → seconds of each counted run
Errors = dict[tuple[str, str], list[str]]  # (row, tool) → why each failed run failed


def run(quick: bool = False) -> dict[str, Any]:
    runs, count = (3, 30) if quick else (5, 300)
    with tempfile.TemporaryDirectory(prefix="neontui-bench-apply-") as tmp:
        root = Path(tmp) / "project"
        schema = Schema()
        out = project(root, count, schema=schema)
        journal = read_journal(out)
        texts = [e.text or "" for e in journal.entries]
        (root / "all.sql").write_text("\n".join(texts))
        tables, hashes = {f"public.{t}" for t in schema.table_names()}, [e.hash or "" for e in journal.entries]

        modules, drizzle_missing = find_drizzle_kit()
        if modules is not None:
            (root / "node_modules").symlink_to(modules, target_is_directory=True)
        psql = shutil.which("psql")
        tools: Tools = {"neontui": (neontui_apply, hashes)}
        if modules is not None:
            tools["drizzle-kit"] = (drizzle_apply, hashes)
        if psql:
            tools["psql -1"] = (psql_apply, None)
        statements = write_statements(Path(tmp) / "statements.json", list(journal.entries))
        tools["floor"] = (lambda _root, url: floor_file(statements, url), None)
        times, errors, server_version = _measure(tools, root, Path(tmp) / "pg", tables, runs)
        versions = {
            "server": f"PostgreSQL {server_version} (embedded)",
            "neontui": "neontui migrate",
            "drizzle-kit": _version([str(root / "node_modules" / ".bin" / "drizzle-kit"), "--version"], root)
            if modules is not None else None,
            "psql": _version([psql, "--version"]) if psql else None,
        }
    statements = sum(len(e.statements) for e in journal.entries)
    size = sum(len(t.encode()) for t in texts)
    missing = {"drizzle-kit": drizzle_missing or None, "psql -1": None if psql else "psql is not installed"}
    return {"quick": quick, "runs": runs, "migrations": count, "statements": statements, "bytes": size,
            "tables": len(tables), "versions": versions, "missing": missing,
            "rows": _rows(tools, times, errors, runs, count)}


def _measure(tools: Tools, root: Path, data: Path, tables: set[str], runs: int) -> tuple[Times, Errors, str]:
    """Each tool `runs` times on fresh databases of one embedded server (in `data`); and the server's version."""
    from neontui.core.db.embedded import start_embedded

    server = start_embedded(data)
    try:
        return _measure_on(Databases(server.url), tools, root, tables, runs)
    finally:
        server.stop()


def _measure_on(databases: Databases, tools: Tools, root: Path, tables: set[str], runs: int,
                ledger: tuple[str, str] = DRIZZLE_LEDGER) -> tuple[Times, Errors, str]:
    """Each tool `runs` times, each run on a fresh database of `databases`; and the server's version."""
    times: Times = {(row, name): [] for row in ROWS for name in tools}
    errors: Errors = {(row, name): [] for row in ROWS for name in tools}
    with psycopg.connect(databases.admin_url, autocommit=True, connect_timeout=10) as conn:
        server_version = str(conn.execute("show server_version").fetchone()[0])
    names = list(tools)
    # Round -1 warms up (caches, the server's first databases) and is not counted. Then round-robin, each
    # round starting with the next tool, so drift on the machine spreads over every tool alike.
    for round_ in range(-1, runs):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            apply, hashes = tools[name]
            db, url = databases.create()
            try:
                elapsed, problem = timed_apply(apply, root, url, tables, hashes, ledger)
                if round_ < 0:
                    continue
                if problem is not None:
                    errors["apply", name].append(problem)
                    continue
                times["apply", name].append(elapsed)
                if hashes is not None:  # again, with nothing pending: the fixed cost of a run
                    elapsed, problem = timed_apply(apply, root, url, tables, hashes, ledger)
                    if problem is None:
                        times["noop", name].append(elapsed)
                    else:
                        errors["noop", name].append(problem)
            finally:
                databases.drop(db)
    return times, errors, server_version


def run_project(project_dir: Path, admin_url: str, quick: bool = False) -> dict[str, Any]:
    """`--project DIR --url URL`: a fresh apply of the project by each tool, on scratch databases of URL's server.
    The tables to expect are those neontui's migrator leaves, in-process, on a first scratch database."""
    runs = 3 if quick else 5
    databases = Databases(admin_url)
    with tempfile.TemporaryDirectory(prefix="neontui-bench-apply-") as tmp:
        target = subject(project_dir, Path(tmp))
        all_sql = Path(tmp) / "all.sql"  # never in the project's folder, which is the user's
        all_sql.write_text(target.all_sql)
        ledger = (target.ledger_schema, target.ledger_table)
        db, url = databases.create()
        try:
            with connect(url) as conn:
                migrator_run(conn, target.journal, *ledger)
            tables = tables_of(url, target.ledger_schema)
        finally:
            databases.drop(db)
        hashes = [e.hash or "" for e in target.journal.entries]
        tools: Tools = {"neontui": (neontui_apply, hashes)}
        if target.kit is not None:
            tools["drizzle-kit"] = (drizzle_apply, hashes)
        psql = shutil.which("psql")
        if psql:
            tools["psql -1"] = (lambda _root, url: psql_file(all_sql, url), None)
        statements = write_statements(Path(tmp) / "statements.json", list(target.journal.entries))
        tools["floor"] = (lambda _root, url: floor_file(statements, url), None)
        times, errors, server_version = _measure_on(databases, tools, target.root, tables, runs, ledger)
        versions = {"server": f"PostgreSQL {server_version}", "neontui": "neontui migrate",
                    "drizzle-kit": _version([str(target.kit), "--version"], target.root) if target.kit else None,
                    "psql": _version([psql, "--version"]) if psql else None}
    journal = target.journal
    count = len(journal.entries)
    missing = {"drizzle-kit": target.kit_missing or None, "psql -1": None if psql else "psql is not installed"}
    rows = _rows(tools, times, errors, runs, count)
    rows["apply"]["label"] = f"apply {count} migrations ({target.name}), fresh db"
    return {"quick": quick, "runs": runs, "migrations": count, "project": target.name,
            "statements": sum(len(e.statements) for e in journal.entries),
            "bytes": sum(len((e.text or "").encode()) for e in journal.entries), "tables": len(tables),
            "versions": versions, "missing": missing, "rows": rows}


def _rows(tools: Tools, times: Times, errors: Errors, runs: int, count: int) -> dict[str, Any]:
    """The result table: per row, each tool's summary (None when not measured) and the ratios."""
    labels = {"apply": f"apply {count} migrations, fresh db", "noop": "run again, nothing pending"}
    table: dict[str, Any] = {}
    for row in ROWS:
        table[row] = {"label": labels[row]}
        for name in TOOLS:
            measured = name in tools and (row == "apply" or tools[name][1] is not None)
            table[row][name] = summary(times[row, name], errors[row, name], runs) if measured else None
        table[row]["neontui/psql"] = ratio(table[row]["neontui"], table[row]["psql -1"])
        table[row]["neontui/drizzle-kit"] = ratio(table[row]["neontui"], table[row]["drizzle-kit"])
        table[row]["floor/psql"] = ratio(table[row]["floor"], table[row]["psql -1"])
    return table


def ratio(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> str:
    if not ours or not theirs or ours["median"] is None or theirs["median"] is None:
        return "n/a"
    return f"{ours['median'] / theirs['median']:.3f}"


def seconds(result: dict[str, Any] | None) -> str:
    if result is None:
        return "—"
    if result["failed"]:
        return f"FAILED ({result['failed_runs']}/{result['runs']} runs)" if result["failed_runs"] else "not measured"
    return f"{result['median']:.3f} s ({result['min']:.3f}–{result['max']:.3f})"


def print_table(result: dict[str, Any]) -> None:
    print(f"{'benchmark':<32} {'neontui':<26} {'drizzle-kit':<26} {'psql -1':<26} {'floor':<26} "
          f"{'neontui/psql':<13} {'neontui/drizzle-kit':<20} floor/psql")
    for row in result["rows"].values():
        print(f"{row['label']:<32} {seconds(row['neontui']):<26} {seconds(row['drizzle-kit']):<26} "
              f"{seconds(row['psql -1']):<26} {seconds(row['floor']):<26} {row['neontui/psql']:<13} "
              f"{row['neontui/drizzle-kit']:<20} {row['floor/psql']}")
    print(f"floor: Python, psycopg's import and the statements sent one by one in one transaction ({FLOOR!r})")
    print(f"({result['migrations']} migrations: {result['statements']} statements, {result['bytes'] / 1e3:.0f} kB, "
          f"{result['tables']} tables; median of {result['runs']} runs with min–max, process start included)")
    for row in result["rows"].values():
        for name in TOOLS:
            if row[name] and row[name]["failed"] and row[name]["failed_runs"]:
                print(f"{name} failed ({row['label']}): {row[name]['error']}")
    versions = result["versions"]
    print(f"server: {versions['server']}; neontui: {versions['neontui']}")
    for name, key in (("drizzle-kit", "drizzle-kit"), ("psql -1", "psql")):
        why = result["missing"][name]
        print(f"{key}: {versions[key] or f'missing ({why}): its comparison was skipped'}")


def main() -> int:
    def run_args(args: Any) -> dict[str, Any]:
        if args.project is not None:
            return run_project(args.project, args.url, quick=args.quick)
        return run(quick=args.quick)

    return bench_main("apply", __doc__, "30 migrations and 3 runs, for CI", run_args, print_table,
                      lambda result: any(r and r["failed"] for row in result["rows"].values()
                                         for r in (row[t] for t in TOOLS)), configure=project_args)

if __name__ == "__main__":
    sys.exit(main())
