"""`neontui demo`: the sample project on an embedded PostgreSQL, opened in the console on a terminal."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from neontui.cli.output import note, print_json
from neontui.cli.parser import Subparsers
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    demo = sub.add_parser("demo", help="a sample project on an embedded PostgreSQL (no Neon account needed)")
    demo.add_argument("--dir", type=Path, help="where to create the demo (default: ~/.local/share/neontui/demo)")
    demo.add_argument("--json", action="store_true", help="print the status as JSON")
    demo.add_argument("--install", action=argparse.BooleanOptionalAction, default=True,
                      help="npm ci the sample's drizzle-kit (its lockfile) when npm is available, so generate, push "
                           "and studio work on the first run (default; --no-install skips it)")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.cli.status import print_status
    from neontui.core.actions.demo import create_demo
    from neontui.core.actions.status import load_overview
    from neontui.core.drizzle.project import load_project

    note("starting the embedded PostgreSQL and creating the sample project…")
    demo = create_demo(args.dir)
    if args.install:
        install(demo.project_dir)
    if not args.json and sys.stdin.isatty() and sys.stdout.isatty():
        from neontui.core.actions.demo import first_steps
        from neontui.tui.app import Options, run_console

        use_tools_of(demo.server.bin_dir)
        return ExitCode(run_console(Options(demo.project_dir, welcome=tuple(first_steps(demo.project_dir)))))
    overview = load_overview(load_project(demo.project_dir))
    if args.json:
        print_json(overview.to_json())
    else:
        print(f"sample project: {demo.project_dir}\n")
        print_status(overview, sys.stdout)
        print("\nThe embedded server stops when this command ends; `neontui demo` recreates everything.")
    return ExitCode.OK


def install(project_dir: Path) -> None:
    """The sample's drizzle-kit, or one line saying why not: the demo opens either way."""
    from neontui.core.actions.demo import install_drizzle_kit
    from neontui.core.errors import NeontuiError

    note("installing the sample's drizzle-kit, drizzle-orm and pg (npm ci)…")
    try:
        if not install_drizzle_kit(project_dir):
            note("drizzle-kit already installed from the sample's lockfile")
    except NeontuiError as exc:
        note(f"note: {exc.one_line()}")


def use_tools_of(bin_dir: Path | None) -> None:
    """The console's rehearsals, backups and diffs dump the embedded server: its own pg_dump matches it (the
    system's is often older, and pg_dump refuses newer servers), so it goes first on this process's PATH."""
    if bin_dir is not None:
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"

