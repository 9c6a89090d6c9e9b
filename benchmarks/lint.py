"""Lint benchmark: neontui's safety review vs squawk (squawk-cli) on the same generated files.

    python -m benchmarks.lint [--quick] [--squawk-limit SECONDS]

Measures, each as the median of several runs with min–max:
  1. `neontui lint FILE` vs `squawk FILE` on a generated 5 MB migration shaped like real Drizzle projects' histories
     (generate.realistic_migration; process start included);
  2. `neontui lint DIR` vs `squawk DIR/*.sql` on a generated 300-migration project;
  3. the in-process review of the 300 migrations (what the console pays on every refresh).
squawk's run time grows with the square of its violation count, so one run is capped (--squawk-limit); a capped
run is reported as "> limit" and its ratio as an upper bound.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import bench_main
from benchmarks.generate import project, realistic_migration
from benchmarks.interpreter import neontui_argv

SQUAWK_VERSION = "2.70.0"


def find_squawk() -> str | None:
    """squawk on PATH, else squawk-cli installed with pip into a cache folder (None when that fails)."""
    found = shutil.which("squawk")
    if found:
        return found
    target = Path.home() / ".cache" / "neontui-bench" / f"squawk-{SQUAWK_VERSION}"
    binary = target / "bin" / "squawk"
    if not binary.exists():
        try:
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
                            f"squawk-cli=={SQUAWK_VERSION}"], check=True, timeout=300, capture_output=True)
        except (subprocess.SubprocessError, OSError):
            return None
    return str(binary) if binary.exists() else None


def timed(argv: list[str], runs: int, limit: float | None = None) -> dict[str, Any]:
    """Wall time of a whole process, `runs` times; stops early (capped) when one run exceeds `limit`."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=limit, check=False)
        except subprocess.TimeoutExpired:
            return {"capped": True, "limit": limit, "median": None, "min": None, "max": None, "runs": len(times)}
        times.append(time.perf_counter() - start)
    return {"capped": False, "median": statistics.median(times), "min": min(times), "max": max(times),
            "runs": runs}


def in_process(out: Path, runs: int) -> dict[str, Any]:
    from neontui.core.drizzle.journal import read_journal
    from neontui.core.safety import analyze_migrations

    entries = read_journal(out).entries
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        analyze_migrations(entries, advisory=False)
        times.append(time.perf_counter() - start)
    return {"capped": False, "median": statistics.median(times), "min": min(times), "max": max(times), "runs": runs}


def ratio(ours: dict[str, Any], theirs: dict[str, Any] | None) -> str:
    if not theirs or ours["median"] is None:
        return "n/a"
    if theirs["capped"]:
        return f"< {ours['median'] / theirs['limit']:.3f}"
    return f"{ours['median'] / theirs['median']:.3f}"


def seconds(result: dict[str, Any] | None) -> str:
    if result is None:
        return "—"
    if result["capped"]:
        return f"> {result['limit']:.0f} s (capped)"
    return f"{result['median']:.3f} s ({result['min']:.3f}–{result['max']:.3f})"


def run(quick: bool = False, squawk_limit: float = 120.0) -> dict[str, Any]:
    runs = 3 if quick else 5
    squawk = find_squawk()
    neontui = neontui_argv("lint", "--format", "json")
    with tempfile.TemporaryDirectory(prefix="neontui-bench-") as tmp:
        root = Path(tmp)
        big = realistic_migration(root / "big.sql", size=500_000 if quick else 5_000_000)
        out = project(root / "project", 30 if quick else 300)
        files = sorted(str(p) for p in out.glob("*.sql"))
        rows = {
            "big_file": {"label": f"lint {big.stat().st_size / 1e6:.1f} MB migration (CLI)",
                         "neontui": timed([*neontui, str(big)], runs),
                         "squawk": timed([squawk, str(big)], 1 if not quick else runs, squawk_limit)
                         if squawk else None},
            "project": {"label": f"lint {len(files)}-migration project (CLI)",
                        "neontui": timed([*neontui, str(out)], runs),
                        "squawk": timed([squawk, *files], runs, squawk_limit) if squawk else None},
            "in_process": {"label": f"lint {len(files)} migrations in-process", "neontui": in_process(out, runs),
                           "squawk": None},
        }
    for row in rows.values():
        row["ratio"] = ratio(row["neontui"], row["squawk"])
    return {"squawk": _version(squawk) if squawk else None, "quick": quick, "rows": rows}


def _version(binary: str) -> str:
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (subprocess.SubprocessError, OSError):
        return binary


def print_table(result: dict[str, Any]) -> None:
    print(f"{'benchmark':<40} {'neontui':<28} {'squawk':<28} ratio")
    for row in result["rows"].values():
        print(f"{row['label']:<40} {seconds(row['neontui']):<28} {seconds(row['squawk']):<28} {row['ratio']}")
    print(f"squawk: {result['squawk'] or 'missing (pip install squawk-cli): its comparisons were skipped'}")


def main() -> int:
    return bench_main("lint", __doc__, "small inputs, for CI",
                      lambda args: run(quick=args.quick, squawk_limit=args.squawk_limit), print_table,
                      configure=lambda parser: parser.add_argument(
                          "--squawk-limit", type=float, default=120.0, help="cap one squawk run (seconds)"))

if __name__ == "__main__":
    sys.exit(main())
