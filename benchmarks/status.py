"""Status benchmark: `neontui status --json` vs `drizzle-kit migrate` with nothing pending.

    python -m benchmarks.status [--quick]

On one embedded PostgreSQL started here (in a temporary folder, stopped at the end), each generated project
(30, 300 and 10,000 migrations; --quick: 30 and 300) is applied once to a database of its own with neontui's
migrator, then these are timed with nothing pending (a fresh process each run, DATABASE_URL set):
  1. neontui: `python -m neontui status PROJECT --json` (must exit 0 and report nothing pending);
  2. drizzle-kit, node started directly: `node_modules/.bin/drizzle-kit migrate` (must exit 0);
  3. drizzle-kit via npx: `npx --no-install drizzle-kit migrate`, offline (npm_config_offline=true), from the
     project's node_modules (a symlink to the pinned drizzle-kit in the cache); if npx cannot run it offline, that
     comparison is reported missing with the reason;
  4. the floor under any Python tool that reads the ledger with psycopg, as neontui does: the same interpreter
     starting, importing psycopg, connecting and running one query (`FLOOR`), so a ratio that misses its target
     can be read against what no change to neontui can remove.
The 30- and 300-migration projects come from benchmarks/generate.py; the 10,000-migration project is a lighter
valid drizzle project (one `CREATE TABLE "t_i" ("id" integer);` per migration) so that applying it stays quick.
Each figure is the median of 5 runs (--quick: 3) with min–max, process start included, after one warm-up round;
the runs go round-robin over the tools. Target: neontui ≤ 0.5× drizzle-kit (node direct).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.apply import Databases, _env, _error, _version, find_drizzle_kit, ratio, seconds, summary
from benchmarks.common import bench_main, project_args
from benchmarks.generate import project
from benchmarks.interpreter import clean_python, neontui_argv
from benchmarks.projects import subject
from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import read_journal
from neontui.core.migrate.migrator import run as migrator_run

RUN_TIMEOUT = 180.0  # one status / migrate run
TOOL_TIMEOUT = 60.0
TARGET = 0.5  # neontui / drizzle-kit (node direct)
TOOLS = ("neontui", "drizzle-kit", "npx drizzle-kit", "floor")
SIMPLE_ABOVE = 1000  # projects bigger than this are written with simple statements
NPX = ["npx", "--no-install", "drizzle-kit", "migrate"]


def simple_project(root: Path, migrations: int) -> Path:
    """A valid drizzle project with one `CREATE TABLE "t_i" ("id" integer);` per migration; returns `out`."""
    out = project(root, 0)  # drizzle.config.ts and an empty journal
    entries = []
    for i in range(migrations):
        tag = f"{i:05d}_step_{i}"
        (out / f"{tag}.sql").write_text(f'CREATE TABLE "t_{i}" (\n\t"id" integer\n);\n')
        entries.append({"idx": i, "version": "7", "when": 1_700_000_000_000 + i * 60_000, "tag": tag,
                        "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}, indent=2))
    return out


# --- the tools ----------------------------------------------------------------------------------------------


def neontui_status(root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(neontui_argv("status", str(root), "--json", "--url", url), cwd=root,
                          env=_env(DATABASE_URL=url), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def drizzle_migrate(root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(root / "node_modules" / ".bin" / "drizzle-kit"), "migrate"], cwd=root,
                          env=_env(DATABASE_URL=url, FORCE_COLOR="0", NO_UPDATE_NOTIFIER="1"), capture_output=True,
                          text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)


FLOOR = "import os, psycopg; psycopg.connect(os.environ['DATABASE_URL'], connect_timeout=10).execute('select 1')"


def floor(root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([clean_python(), "-c", FLOOR], cwd=root, env=_env(DATABASE_URL=url), capture_output=True,
                          text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL)


def _npx_env(url: str | None = None) -> dict[str, str]:
    extra = {"FORCE_COLOR": "0", "NO_UPDATE_NOTIFIER": "1", "npm_config_offline": "true",
             "npm_config_update_notifier": "false", "npm_config_fund": "false", "npm_config_audit": "false"}
    if url is not None:
        extra["DATABASE_URL"] = url
    return _env(**extra)


def npx_migrate(root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(NPX, cwd=root, env=_npx_env(url), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def npx_usable(root: Path) -> str | None:
    """Why `npx --no-install drizzle-kit` cannot run offline from the project (None when it can)."""
    if shutil.which("npx") is None:
        return "npx is not installed"
    try:
        done = subprocess.run(["npx", "--no-install", "drizzle-kit", "--version"], cwd=root, env=_npx_env(),
                              capture_output=True, text=True, timeout=TOOL_TIMEOUT, stdin=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError) as exc:
        return f"npx --no-install drizzle-kit --version failed: {exc}"
    if done.returncode != 0 or "drizzle-kit" not in done.stdout:
        return _error(done, "npx --no-install drizzle-kit --version failed offline")
    return None


def _problem(name: str, done: subprocess.CompletedProcess[str]) -> str | None:
    """Why a nothing-pending run is wrong (None when it is right)."""
    if name != "neontui":
        return _error(done, f"{name} exited non-zero with nothing pending") if done.returncode != 0 else None
    try:  # a real project may have problems besides (an unlisted file: exit 2); nothing may be pending
        summary = json.loads(done.stdout)["summary"]
    except (ValueError, KeyError, TypeError):
        return _error(done, "neontui status --json printed no status")
    if summary["counts"]["pending"] or done.returncode != summary["exit_code"]:
        return _error(done, "neontui status found something pending")
    return None


Tool = Callable[[Path, str], subprocess.CompletedProcess[str]]


def timed(tool: Tool, name: str, root: Path, url: str) -> tuple[float | None, str | None]:
    start = time.perf_counter()
    try:
        done = tool(root, url)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {RUN_TIMEOUT:.0f} s"
    elapsed = time.perf_counter() - start
    problem = _problem(name, done)
    return (elapsed, None) if problem is None else (None, problem)


# --- the benchmark ------------------------------------------------------------------------------------------


def run(quick: bool = False) -> dict[str, Any]:
    from neontui.core.db.embedded import start_embedded

    runs, counts = (3, (30, 300)) if quick else (5, (30, 300, 10_000))
    modules, drizzle_missing = find_drizzle_kit()
    npx_missing: str | None = "drizzle-kit is missing" if modules is None else None
    rows: dict[str, Any] = {}
    setup: dict[str, float] = {}
    versions: dict[str, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="neontui-bench-status-") as tmp:
        server = start_embedded(Path(tmp) / "pg")
        try:
            databases = Databases(server.url)
            with psycopg.connect(server.url, autocommit=True, connect_timeout=10) as conn:
                versions["server"] = f"PostgreSQL {conn.execute('show server_version').fetchone()[0]} (embedded)"
            for count in counts:
                root = Path(tmp) / f"project-{count}"
                clock = time.perf_counter()
                out = simple_project(root, count) if count > SIMPLE_ABOVE else project(root, count)
                setup[f"generate {count}"] = time.perf_counter() - clock
                tools: dict[str, Tool] = {"neontui": neontui_status, "floor": floor}
                if modules is not None:
                    (root / "node_modules").symlink_to(modules, target_is_directory=True)
                    tools["drizzle-kit"] = drizzle_migrate
                    if count == counts[0]:
                        npx_missing = npx_usable(root)
                        versions["drizzle-kit"] = _version([str(root / "node_modules" / ".bin" / "drizzle-kit"),
                                                            "--version"], root)
                        versions["npx"] = _version(["npx", "--version"]) if npx_missing is None else None
                    if npx_missing is None:
                        tools["npx drizzle-kit"] = npx_migrate
                db, url = databases.create()
                try:
                    clock = time.perf_counter()
                    with connect(url) as conn:
                        migrator_run(conn, read_journal(out), "drizzle", "__drizzle_migrations")
                    setup[f"apply {count}"] = time.perf_counter() - clock
                    rows[str(count)] = measure(tools, root, url, runs, count)
                finally:
                    databases.drop(db)
        finally:
            server.stop()
    missing = {"drizzle-kit": drizzle_missing or None, "npx drizzle-kit": drizzle_missing or npx_missing}
    return {"quick": quick, "runs": runs, "counts": list(counts), "target": TARGET, "versions": versions,
            "missing": missing, "setup": setup, "rows": rows}


def run_project(project_dir: Path, admin_url: str, quick: bool = False) -> dict[str, Any]:
    """`--project DIR --url URL`: the project applied once to a scratch database on URL's server, then status
    against drizzle-kit's no-op migrate, as for the generated projects."""
    runs = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="neontui-bench-status-") as tmp:
        target = subject(project_dir, Path(tmp))
        tools: dict[str, Tool] = {"neontui": neontui_status, "floor": floor}
        if target.kit is not None:
            tools["drizzle-kit"] = drizzle_migrate
        databases = Databases(admin_url)
        db, url = databases.create()
        try:
            with connect(url) as conn:
                versions = {"server": f"PostgreSQL {conn.execute('show server_version').fetchone()[0]}",
                            "drizzle-kit": _version([str(target.kit), "--version"], target.root)
                            if target.kit else None}
                clock = time.perf_counter()
                migrator_run(conn, target.journal, target.ledger_schema, target.ledger_table)
            setup = {f"apply {len(target.journal.entries)}": time.perf_counter() - clock}
            row = measure(tools, target.root, url, runs, len(target.journal.entries), target.name)
        finally:
            databases.drop(db)
    return {"quick": quick, "runs": runs, "counts": [len(target.journal.entries)], "target": TARGET,
            "versions": versions, "missing": {"drizzle-kit": target.kit_missing or None, "npx drizzle-kit": "not run"},
            "setup": setup, "rows": {target.name: row}, "project": target.name}


def measure(tools: dict[str, Tool], root: Path, url: str, runs: int, count: int,
            project_name: str | None = None) -> dict[str, Any]:
    times: dict[str, list[float]] = {name: [] for name in tools}
    errors: dict[str, list[str]] = {name: [] for name in tools}
    names = list(tools)
    for round_ in range(-1, runs):  # round -1 warms up and is not counted
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, problem = timed(tools[name], name, root, url)
            if round_ < 0:
                continue
            if problem is None:
                times[name].append(elapsed)
            else:
                errors[name].append(problem)
    what = f" ({project_name})" if project_name else " (simple statements)" if count > SIMPLE_ABOVE else ""
    row: dict[str, Any] = {"label": f"nothing pending, {count:,} migrations{what}", "migrations": count}
    for tool in TOOLS:
        row[tool] = summary(times[tool], errors[tool], runs) if tool in tools else None
    row["neontui/drizzle-kit"] = ratio(row["neontui"], row["drizzle-kit"])
    row["neontui/npx"] = ratio(row["neontui"], row["npx drizzle-kit"])
    row["floor/drizzle-kit"] = ratio(row["floor"], row["drizzle-kit"])
    value = row["neontui/drizzle-kit"]
    row["met"] = None if value == "n/a" else float(value) <= TARGET
    return row


def print_table(result: dict[str, Any]) -> None:
    print(f"{'benchmark':<56} {'neontui status':<26} {'drizzle-kit (node)':<26} {'npx drizzle-kit':<26} "
          f"{'floor':<26} {'ratio (node)':<13} {'target':<8} {'ok':<4} {'ratio (npx)':<12} floor (node)")
    for row in result["rows"].values():
        ok = "" if row["met"] is None else ("yes" if row["met"] else "NO")
        print(f"{row['label']:<56} {seconds(row['neontui']):<26} {seconds(row['drizzle-kit']):<26} "
              f"{seconds(row['npx drizzle-kit']):<26} {seconds(row['floor']):<26} {row['neontui/drizzle-kit']:<13} "
              f"{'≤ ' + str(result['target']):<8} {ok:<4} {row['neontui/npx']:<12} {row['floor/drizzle-kit']}")
    print(f"floor: {FLOOR!r} on the interpreter neontui runs on")
    print(f"(median of {result['runs']} runs with min–max, process start included; "
          f"target: neontui ≤ {result['target']}× drizzle-kit started with node directly)")
    for row in result["rows"].values():
        for name in TOOLS:
            if row[name] and row[name]["failed"]:
                print(f"{name} failed ({row['label']}): {row[name]['error']}")
    versions = result["versions"]
    print(f"server: {versions.get('server')}; drizzle-kit: {versions.get('drizzle-kit') or 'missing'}; "
          f"npx: {versions.get('npx') or 'missing'}")
    for name, why in result["missing"].items():
        if why:
            print(f"{name}: missing ({why}): its comparison was skipped")
    print("setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in result["setup"].items()))


def main() -> int:
    def run_args(args: Any) -> dict[str, Any]:
        if args.project is not None:
            return run_project(args.project, args.url, quick=args.quick)
        return run(quick=args.quick)

    return bench_main("status", __doc__, "30 and 300 migrations, 3 runs, for CI", run_args, print_table,
                      lambda result: any(row[t] and row[t]["failed"] for row in result["rows"].values()
                                         for t in TOOLS), configure=project_args)

if __name__ == "__main__":
    sys.exit(main())
