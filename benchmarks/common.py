"""What every benchmark module shares: its command line and where its results go."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neontui.core.errors import ConfigError

RESULTS = Path(__file__).parent / "results"


def project_args(parser: argparse.ArgumentParser) -> None:
    """`--project DIR --url URL`: measure a project of your own instead of generated ones (benchmarks/projects.py)."""
    parser.add_argument("--project", type=Path, metavar="DIR",
                        help="a Drizzle project (the folder with drizzle.config.*) to measure, not generated ones")
    parser.add_argument("--url", metavar="URL",
                        help="with --project: a PostgreSQL server where scratch databases may be created")


def bench_main(name: str, doc: str, quick_help: str, run_fn: Callable[[argparse.Namespace], dict[str, Any]],
               print_fn: Callable[[dict[str, Any]], None],
               failed: Callable[[dict[str, Any]], bool] = lambda _result: False,
               configure: Callable[[argparse.ArgumentParser], None] | None = None) -> int:
    """Parse `--quick` (and what `configure` adds), run, print, and write results/<name>[-quick].json.

    Exit codes: 0 ran, 1 a measured tool failed, 2 not run (no embedded PostgreSQL)."""
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.{name}", description=doc.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    if configure is not None:
        configure(parser)
    args = parser.parse_args()
    if getattr(args, "project", None) is not None and not args.url:
        parser.error("--project needs --url (a server where scratch databases may be created)")
    started = time.perf_counter()
    try:
        result = run_fn(args)
    except ConfigError as exc:
        print(f"benchmark not run: {exc}", file=sys.stderr)
        return 2
    result["duration"] = time.perf_counter() - started
    print_fn(result)
    print(f"benchmark took {result['duration']:.0f} s")
    RESULTS.mkdir(exist_ok=True)
    stem = f"{name}-{args.project.resolve().name}" if getattr(args, "project", None) is not None else name
    (RESULTS / (f"{stem}-quick.json" if args.quick else f"{stem}.json")).write_text(json.dumps(result, indent=2))
    return 1 if failed(result) else 0
