"""`neontui check` / `neontui up`: drizzle-kit check and up, with their warnings reported."""

from __future__ import annotations

import argparse
from pathlib import Path

from neontui.cli import project
from neontui.cli.parser import Subparsers, add_project_args
from neontui.cli.prompts import printer, report
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    for name, text in (("check", "drizzle-kit check: journal and snapshot consistency"),
                       ("up", "drizzle-kit up: upgrade old snapshots")):
        add_project_args(sub.add_parser(name, help=text))


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.check import check, up

    command = check if args.command == "check" else up
    return report(command(project.load(Path(args.project_dir), args), on_event=printer(args.json)), args.json)
