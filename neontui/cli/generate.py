"""`neontui generate`: drizzle-kit generate with its questions answered, the result read from the files, audited."""

from __future__ import annotations

import argparse
from pathlib import Path

from neontui.cli import project
from neontui.cli.parser import Subparsers, add_project_args
from neontui.cli.prompts import add_prompt_flags, answers, printer, report
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    generate = sub.add_parser("generate", help="drizzle-kit generate, with its questions answered and the result "
                              "read from the files", description="Exit codes: 0 created a migration or no changes, "
                              "4 nothing written because of an error, a collision or an unanswered question.")
    add_project_args(generate)
    generate.add_argument("--name", help="the migration's name")
    generate.add_argument("--custom", action="store_true", help="an empty migration for hand-written SQL")
    add_prompt_flags(generate)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.generate import generate
    from neontui.core.gate.settings import load_settings

    loaded = project.load(Path(args.project_dir), args)
    result = generate(loaded, load_settings(loaded.config.root), name=args.name, custom=args.custom,
                      answer=answers(args), on_event=printer(args.json))
    return report(result, args.json)
