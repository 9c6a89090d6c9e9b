"""Every benchmark in one command, and one combined table.

    python -m benchmarks [--quick] [--squawk-limit SECONDS] [--project DIR --url URL]

Runs `python -m benchmarks.<name> [--quick]` for status, apply, lint and console in sequence (each a subprocess
with a timeout), reads the JSON each one writes to benchmarks/results/, prints one table (benchmark, neontui,
anchor, ratio, target, ok) and writes benchmarks/results/summary.json and summary.md (--quick: summary-quick.*),
the Markdown headed with the machine it ran on. Exits 0 when every benchmark ran, 1 when one crashed, timed out
or wrote no result; a missed target or a missing anchor (squawk, node, psql) is reported, not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, project_args

ROOT = Path(__file__).parent.parent
# (name, extra arguments for a full run, timeout of a full run, timeout of a --quick run), in running order.
BENCHMARKS: tuple[tuple[str, tuple[str, ...], float, float], ...] = (
    ("status", (), 480.0, 120.0),
    ("apply", (), 300.0, 120.0),
    ("lint", (), 400.0, 120.0),
    ("console", (), 300.0, 120.0),
)
HEADER = ("benchmark", "neontui", "anchor", "ratio", "target", "ok")


# --- figures --------------------------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _timing(result: dict[str, Any] | None) -> str:
    """'median (min–max)' of a result dict shared by status/apply/lint ("failed"/"capped" variants included)."""
    if result is None:
        return "—"
    if result.get("capped"):
        return f"> {result['limit']:.0f} s (capped)"
    if result.get("failed") or result.get("median") is None:
        return "FAILED"
    return f"{_s(result['median'])} ({_s(result['min'])}–{_s(result['max'])})"


def _ratio(text: str, anchor: str) -> str:
    return "—" if text in ("n/a", "", None) else f"{text}× {anchor}"


def _row(benchmark: str, neontui: str, anchor: str = "—", ratio: str = "—", target: str = "",
         met: bool | None = None) -> dict[str, Any]:
    return {"benchmark": benchmark, "neontui": neontui, "anchor": anchor, "ratio": ratio, "target": target,
            "ok": "" if met is None else ("yes" if met else "NO"), "met": met}


def status_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in result["rows"].values():
        npx = row.get("neontui/npx", "n/a")
        ratio = _ratio(row["neontui/drizzle-kit"], "drizzle-kit")
        if npx != "n/a":
            ratio += f"; {npx}× npx"
        if row.get("floor/drizzle-kit", "n/a") != "n/a":
            ratio += f"; floor {row['floor/drizzle-kit']}×"
        anchor = f"drizzle-kit migrate {_timing(row['drizzle-kit'])}" if row["drizzle-kit"] else "drizzle-kit missing"
        if row.get("floor"):
            anchor += f"; floor {_timing(row['floor'])}"
        rows.append(_row(f"status --json, {row['label']}", _timing(row["neontui"]), anchor, ratio,
                         f"≤ {result['target']}× drizzle-kit", row["met"]))
    return rows


APPLY_TARGET = 1.10  # a fresh apply, neontui / psql -1 (issue 16)
LINT_TARGET = 0.5  # the 5 MB migration, neontui / squawk (issue 16)


def _within(ratio: str, target: float) -> bool | None:
    """Whether a ratio column ("1.070", "< 0.022" for a capped anchor) meets `target`; None when not measured."""
    try:
        return float(ratio.lstrip("< ")) <= target
    except (ValueError, AttributeError):
        return None


def apply_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, row in result["rows"].items():
        anchors = [f"drizzle-kit {_timing(row['drizzle-kit'])}" if row["drizzle-kit"] else "drizzle-kit missing"]
        if row.get("psql -1"):
            anchors.append(f"psql -1 {_timing(row['psql -1'])}")
        if row.get("floor"):
            anchors.append(f"floor {_timing(row['floor'])}")
        ratios = [r for r in (_ratio(row["neontui/drizzle-kit"], "drizzle-kit"), _ratio(row["neontui/psql"], "psql"))
                  if r != "—"]
        if row.get("floor/psql", "n/a") != "n/a":
            ratios.append(f"floor {row['floor/psql']}× psql")
        fresh = key == "apply"
        rows.append(_row(f"migrate: {row['label']}", _timing(row["neontui"]), "; ".join(anchors),
                         "; ".join(ratios) or "—", f"≤ {APPLY_TARGET:.2f}× psql" if fresh else "",
                         _within(row["neontui/psql"], APPLY_TARGET) if fresh else None))
    return rows


def lint_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, row in result["rows"].items():
        if row["squawk"] is not None:
            anchor = f"squawk {_timing(row['squawk'])}"
        else:
            anchor = "—" if row is result["rows"].get("in_process") else "squawk missing"
        big = key == "big_file"
        met = _within(row["ratio"], LINT_TARGET) if big else None
        rows.append(_row(row["label"], _timing(row["neontui"]), anchor, _ratio(row["ratio"], "squawk"),
                         f"≤ {LINT_TARGET}× squawk" if big else "", met))
    return rows


def console_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    floor = result["rows"].get("floor", {})
    for key, row in result["rows"].items():
        if row["label"].startswith(" "):  # informational sub-figures
            continue
        if row["unit"] == "MB":
            figure = "—" if row["median"] is None else f"{row['median']:.0f} MB ({row['min']:.0f}–{row['max']:.0f})"
        else:
            figure = "FAILED" if row["median"] is None else f"{_s(row['median'])} ({_s(row['min'])}–{_s(row['max'])})"
        anchor, ratio = "—", "—"
        if key in FROM_START and row["median"] and floor.get("median"):  # the minimal Textual app, same run
            anchor = f"minimal Textual app, first frame {_timing(floor)}"
            ratio = f"{row['median'] / floor['median']:.2f}× floor"
        target = "" if row["target"] is None else f"≤ {_s(row['target'])}"
        rows.append(_row(f"console: {row['label']}", figure, anchor, ratio, target=target, met=row["met"]))
    return rows


FROM_START = ("first_frame", "status", "loaded")  # console figures timed from the process start, as the floor is


ROWS = {"status": status_rows, "apply": apply_rows, "lint": lint_rows, "console": console_rows}


# --- the machine ----------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _first(text: str, key: str) -> str | None:
    for line in text.splitlines():
        if line.startswith(key) and ":" in line:
            return line.split(":", 1)[1].strip()
    return None


def _command(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def machine(results: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    mem = _first(_read("/proc/meminfo"), "MemTotal")
    ram = f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB" if mem and mem.split()[0].isdigit() else None
    status, apply, lint = results.get("status") or {}, results.get("apply") or {}, results.get("lint") or {}
    versions = {**apply.get("versions", {}), **{k: v for k, v in status.get("versions", {}).items() if v}}
    return {
        "cpu": _first(_read("/proc/cpuinfo"), "model name") or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": versions.get("server"),
        "node": _command(["node", "--version"]),
        "drizzle-kit": versions.get("drizzle-kit"),
        "psql": versions.get("psql"),
        "squawk": lint.get("squawk"),
    }


# --- running --------------------------------------------------------------------------------------------------


def run_one(name: str, quick: bool, extra: tuple[str, ...], timeout: float,
            project: Path | None = None) -> dict[str, Any]:
    """Run one benchmark module (its output goes straight to ours) and read the JSON it wrote."""
    stem = f"{name}-{project.resolve().name}" if project is not None else name
    path = RESULTS / (f"{stem}-quick.json" if quick else f"{stem}.json")
    argv = [sys.executable, "-m", f"benchmarks.{name}", *(["--quick"] if quick else []), *extra]
    print(f"\n=== {' '.join(argv[1:])} (timeout {timeout:.0f} s) ===", flush=True)
    started = time.time()
    clock = time.perf_counter()
    try:
        code: int | None = subprocess.run(argv, cwd=ROOT, timeout=timeout, stdin=subprocess.DEVNULL).returncode
        error = None if code == 0 else f"exited {code}"
    except subprocess.TimeoutExpired:
        code, error = None, f"timed out after {timeout:.0f} s"
    duration = time.perf_counter() - clock
    result = None
    if path.exists() and path.stat().st_mtime >= started:
        try:
            result = json.loads(path.read_text())
        except ValueError as exc:
            error = error or f"wrote unreadable JSON: {exc}"
    elif error is None:
        error = f"wrote no {path.name}"
    return {"name": name, "argv": argv[1:], "exit_code": code, "error": error, "duration": duration,
            "result": result}


def summarize(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for one in runs:
        if one["result"] is not None:
            try:
                rows.extend(ROWS[one["name"]](one["result"]))
            except (KeyError, TypeError, ValueError) as exc:  # a result shape this summary does not know
                rows.append(_row(f"{one['name']}: result not understood ({type(exc).__name__}: {exc})", "—"))
        if one["error"]:
            rows.append(_row(f"{one['name']}: CRASHED ({one['error']})", "—", met=False))
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    widths = [max(len(str(r[k])) for r in [dict(zip(HEADER, HEADER, strict=True)), *rows]) for k in HEADER]
    widths = [min(w, 60) for w in widths]
    print("  ".join(f"{h:<{w}}" for h, w in zip(HEADER, widths, strict=True)))
    for row in rows:
        print("  ".join(f"{row[k]!s:<{w}}" for k, w in zip(HEADER, widths, strict=True)))


def markdown(rows: list[dict[str, Any]], info: dict[str, Any], runs: list[dict[str, Any]], quick: bool,
             total: float) -> str:
    took = ", ".join(f"{r['name']} {r['duration']:.0f} s" for r in runs)
    lines = [f"Benchmarks{' (--quick)' if quick else ''}: `python -m benchmarks{' --quick' if quick else ''}`, "
             f"{time.strftime('%Y-%m-%d')}, {total:.0f} s in all ({took}).", "",
             f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}; "
             f"Python {info['python']}; {info['postgresql'] or 'PostgreSQL unknown'}; "
             f"node {info['node'] or 'missing'}; "
             f"{info['drizzle-kit'] or 'drizzle-kit missing'}; {info['psql'] or 'psql missing'}; "
             f"{info['squawk'] or 'squawk missing'}.", "",
             "Figures are medians of fresh processes (process start included) with min–max; ratios are neontui's "
             "median over the anchor's, measured in the same run, alternating. neontui runs on a virtual "
             "environment's interpreter, as a user's install does (benchmarks/interpreter.py).", "",
             "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[k]).replace("|", "\\|") for k in HEADER) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs and few runs, for CI")
    parser.add_argument("--squawk-limit", type=float, default=None,
                        help="cap one squawk run in the lint benchmark (seconds; default 60, --quick 30)")
    parser.add_argument("--only", nargs="+", choices=[b[0] for b in BENCHMARKS], help="run only these")
    project_args(parser)
    args = parser.parse_args()
    if args.project is not None and not args.url:
        parser.error("--project needs --url (a server where scratch databases may be created)")
    limit = args.squawk_limit if args.squawk_limit is not None else (30.0 if args.quick else 60.0)
    clock = time.perf_counter()
    runs = []
    for name, extra, full_timeout, quick_timeout in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        if name == "lint":
            extra = (*extra, "--squawk-limit", f"{limit:g}")
        if args.project is not None:
            extra = (*extra, "--project", str(args.project), "--url", args.url)
        runs.append(run_one(name, args.quick, extra, quick_timeout if args.quick else full_timeout, args.project))
    total = time.perf_counter() - clock
    rows = summarize(runs)
    info = machine({r["name"]: r["result"] for r in runs})
    print()
    print_table(rows)
    print(f"\nmachine: {info['cpu']}, {info['cores']} cores, {info['ram']}; Python {info['python']}; "
          f"{info['postgresql']}; {info['drizzle-kit']}; {info['squawk']}")
    print("took " + ", ".join(f"{r['name']} {r['duration']:.0f} s" for r in runs) + f"; {total:.0f} s in all")
    missed = [r["benchmark"] for r in rows if r["met"] is False]
    if missed:
        print("targets missed or crashes: " + "; ".join(missed))
    suffix = (f"-{args.project.resolve().name}" if args.project is not None else "") + ("-quick" if args.quick else "")
    RESULTS.mkdir(exist_ok=True)
    document = {"quick": args.quick, "machine": info, "duration": total, "rows": rows,
                "benchmarks": [{k: v for k, v in r.items() if k != "result"} for r in runs]}
    (RESULTS / f"summary{suffix}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))
    (RESULTS / f"summary{suffix}.md").write_text(markdown(rows, info, runs, args.quick, total))
    print(f"wrote {RESULTS / f'summary{suffix}.json'} and summary{suffix}.md")
    return 1 if any(r["error"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
