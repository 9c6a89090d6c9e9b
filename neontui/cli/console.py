"""`neontui console`: the interactive console (the default on a terminal)."""

from __future__ import annotations

import argparse
from pathlib import Path

from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.core.errors import ExitCode, UsageError


def flags(sub: Subparsers) -> None:
    console = sub.add_parser("console", help="the interactive console (the default on a terminal)")
    add_project_args(console)
    add_target_args(console)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.tui.app import Options, run_console

    if not Path(args.project_dir).exists():
        raise UsageError(f"project directory {args.project_dir} does not exist")
    return ExitCode(run_console(Options(Path(args.project_dir), config=args.config, out=args.out, url=args.url,
                                        env=args.env, target=args.target)))
