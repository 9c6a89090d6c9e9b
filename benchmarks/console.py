"""Console benchmark: how fast the Textual console starts, loads, opens big SQL and streams output.

    python -m benchmarks.console [--quick]

Each figure is the median, with min–max, of N fresh processes (5; --quick: 2), each a run of
benchmarks/console_probe.py:
  1. process start → first frame: the parent's clock just before `subprocess.run` (Python start-up and imports
     included) to the moment `App.run_test(size=(120, 40))` yields the pilot, on a generated 300-migration project
     (--quick: 30) against a real embedded PostgreSQL (one server for the whole benchmark, one database per run,
     cloned from a template with all but the last 10 migrations applied, so 10 are pending);
  2. process start → status loaded: the first frame painted after the app handled its `StatusRead` message (the
     journal's states against the ledger); then → review loaded: after its `Loaded` message (findings, pending
     SQL, checklist: the live schema read on the same connection, and the safety review);
     the floor under figure 1, measured the same way: a minimal Textual app (one `Static`), and the ratio of the
     console's median first frame to the floor's median;
  3. a 5 MB migration (--quick: 500 KB) opened in a lone `SqlPane`: `show()` plus the next painted frame;
  4. page-down in that pane: 20 `pagedown` presses (each followed by `pilot.pause()`), divided by 20;
  5. the worst gap of a 10 ms ticker while a thread streams 100k log lines (--quick: 20k) into a lone `LogPane`
     with `app.call_from_thread(pane.post_lines, batch)`, 1,000 lines a batch;
  6. peak RSS (`ru_maxrss`) of the console process with the project loaded, and of the streaming process.
Children get XDG_STATE_HOME in a temporary folder, TEXTUAL_ANIMATIONS=none and no NEONTUI_*/PG* variables.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import bench_main
from benchmarks.interpreter import clean_python

PROBE = Path(__file__).parent / "console_probe.py"
RUN_TIMEOUT = 120.0  # one probe process
PENDING = 10  # migrations left unapplied in every run's database
TARGETS = {"first_frame": 0.25, "status": 0.6, "sql_open": 0.5, "stall": 0.050}


def _env(state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEONTUI_", "PG"))}
    env["XDG_STATE_HOME"] = str(state)
    env["TEXTUAL_ANIMATIONS"] = "none"  # as in the test suite: page-down jumps instead of a smooth scroll
    return env


def probe(args: list[str], state: Path) -> tuple[float, dict[str, Any]]:
    """(the parent's clock just before the child started, the child's JSON) for one fresh probe process."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        start = time.perf_counter()
        done = subprocess.run([clean_python(), str(PROBE), *args, str(out)], env=_env(state), capture_output=True,
                              text=True, timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
        if done.returncode != 0 or not out.read_text():
            raise RuntimeError(f"probe {args[0]} exited {done.returncode}: {done.stderr.strip()[-1500:]}")
        return start, json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def stats(values: list[float | None]) -> dict[str, Any]:
    got = [v for v in values if v is not None]
    if not got or len(got) != len(values):
        return {"median": None, "min": None, "max": None, "runs": len(values), "missing": len(values) - len(got)}
    return {"median": statistics.median(got), "min": min(got), "max": max(got), "runs": len(got), "values": got}


def big_project(root: Path, size: int) -> Path:
    """An `out` folder whose journal lists one generated migration of about `size` bytes."""
    from benchmarks.generate import big_migration

    out = root / "drizzle"
    (out / "meta").mkdir(parents=True, exist_ok=True)
    big_migration(out / "0000_big.sql", size=size)
    entry = {"idx": 0, "version": "7", "when": 1_700_000_000_000, "tag": "0000_big", "breakpoints": True}
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": [entry]}))
    return out


def template_database(admin_url: str, out: Path, applied: int) -> str:
    """A database with the project's first `applied` migrations, to clone per run (CREATE DATABASE … TEMPLATE)."""
    import psycopg

    from neontui.core.db.connect import connect
    from neontui.core.db.url import with_database
    from neontui.core.drizzle.journal import read_journal
    from neontui.core.migrate.migrator import run

    name = f"console_tmpl_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with connect(with_database(admin_url, name)) as conn:
        run(conn, read_journal(out), "drizzle", "__drizzle_migrations", limit=applied)
    return name


def clone(admin_url: str, template: str) -> tuple[str, str]:
    import psycopg

    from neontui.core.db.url import with_database

    name = f"console_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name, with_database(admin_url, name)


def drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(quick: bool = False) -> dict[str, Any]:
    from benchmarks.generate import project
    from neontui.core.db.embedded import start_embedded

    runs, count = (2, 30) if quick else (5, 300)
    size = 500_000 if quick else 5_000_000
    lines = 20_000 if quick else 100_000
    keys = ("first_frame", "floor", "status", "loaded", "python_up", "imported", "console_rss", "sql_open", "page_down",
            "stall",
            "stream_wall", "log_rss", "sql_rss")
    raw: dict[str, list[Any]] = {k: [] for k in keys}
    notes: dict[str, Any] = {}
    setup: dict[str, float] = {}  # seconds spent before the measurements
    with tempfile.TemporaryDirectory(prefix="neontui-bench-console-") as tmp:
        root = Path(tmp)
        state = root / "state"
        clock = time.perf_counter()
        out = project(root / "project", count)
        big = big_project(root / "big", size)
        setup["generate"] = time.perf_counter() - clock
        server = start_embedded(root / "pg")
        setup["server"] = time.perf_counter() - clock - setup["generate"]
        try:
            clock = time.perf_counter()
            template = template_database(server.url, out, count - PENDING)
            setup["template"] = time.perf_counter() - clock
            for _ in range(runs):
                db, url = clone(server.url, template)
                try:
                    start, got = probe(["console", str(root / "project"), url], state)
                finally:
                    drop(server.url, db)
                if got["error"] or got["loaded"] is None or got["status_shown"] is None:
                    raise RuntimeError(f"the console did not load: {got['error'] or 'timed out'}")
                raw["first_frame"].append(got["first_frame"] - start)
                raw["status"].append(got["status_shown"] - start)
                raw["loaded"].append(got["loaded"] - start)
                raw["imported"].append(got["imported"] - start)
                raw["console_rss"].append(got["peak_rss_mb"])
                raw["python_up"].append(got["t0"] - start)
                notes.update(pending=got["pending"], status=got["status"])
            for _ in range(runs):
                start, got = probe(["floor"], state)
                raw["floor"].append(got["first_frame"] - start)
            for _ in range(runs):
                _, got = probe(["sql", str(big)], state)
                raw["sql_open"].append(got["open"])
                raw["page_down"].append(got["page_down"])
                raw["sql_rss"].append(got["peak_rss_mb"])
                notes.update(sql_rows=got["rows"], sql_scroll_y=got["scroll_y"])
            for _ in range(runs):
                _, got = probe(["log", str(lines)], state)
                if not got["drained"]:
                    raise RuntimeError("the log stream did not drain in time")
                raw["stall"].append(got["worst_gap"])
                raw["stream_wall"].append(got["wall"])
                raw["log_rss"].append(got["peak_rss_mb"])
                notes.update(log_lines=got["lines"])
        finally:
            server.stop()
    big_mb = size / 1e6
    labels = {
        "first_frame": (f"start → first frame ({count} migrations)", "s"),
        "floor": ("  start → first frame, minimal app (floor)", "s"),
        "status": ("start → status loaded", "s"),
        "loaded": ("start → review loaded (findings, SQL, checklist)", "s"),
        "python_up": ("  start → probe's first statement (info)", "s"),
        "imported": ("  start → app imported (info)", "s"),
        "sql_open": (f"open {big_mb:g} MB migration in SqlPane", "s"),
        "page_down": ("page-down in that pane (per press)", "s"),
        "stall": (f"worst stall, {lines // 1000}k log lines", "s"),
        "stream_wall": ("  stream wall time (info)", "s"),
        "console_rss": (f"peak RSS, console with {count} migrations", "MB"),
        "sql_rss": (f"peak RSS, SqlPane with {big_mb:g} MB", "MB"),
        "log_rss": (f"peak RSS, after {lines // 1000}k log lines", "MB"),
    }
    rows = {key: {"label": label, "unit": unit, **stats(raw[key]), "target": TARGETS.get(key)}
            for key, (label, unit) in labels.items()}
    for row in rows.values():
        row["met"] = None if row["target"] is None or row["median"] is None else row["median"] <= row["target"]
    console, floor = rows["first_frame"]["median"], rows["floor"]["median"]
    return {"quick": quick, "runs": runs, "floor_ratio": console / floor if console and floor else None,
            "migrations": count, "pending": notes.get("pending"),
            "sql_bytes": size, "log_lines": lines,
            "python": sys.version.split()[0], "status_line": notes.get("status"), "sql_rows": notes.get("sql_rows"),
            "setup": setup, "rows": rows}


def figure(row: dict[str, Any], value: float | None) -> str:
    if value is None:
        return "—"
    if row["unit"] == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def print_table(result: dict[str, Any]) -> None:
    print(f"{'benchmark':<44} {'median (min–max)':<28} {'target':<10} ok")
    for row in result["rows"].values():
        if row["median"] is None:
            measured = f"failed ({row['missing']} of {row['runs']} runs missing)"
        else:
            measured = f"{figure(row, row['median'])} ({figure(row, row['min'])}–{figure(row, row['max'])})"
        target = f"≤ {figure(row, row['target'])}" if row["target"] is not None else ""
        ok = "" if row["met"] is None else ("yes" if row["met"] else "NO")
        print(f"{row['label']:<44} {measured:<28} {target:<10} {ok}")
    if result["floor_ratio"] is not None:
        print(f"{'first frame ÷ floor (median)':<44} {result['floor_ratio']:.2f}×")
    setup = ", ".join(f"{k} {v:.1f} s" for k, v in result["setup"].items())
    print(f"{result['runs']} fresh processes per figure; {result['pending']} migrations pending; "
          f"Python {result['python']}; setup: {setup}")


def main() -> int:
    return bench_main("console", __doc__, "small inputs and 2 runs, for CI", lambda args: run(quick=args.quick),
                      print_table)

if __name__ == "__main__":
    sys.exit(main())
