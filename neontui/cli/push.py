"""`neontui push`: drizzle-kit push behind the production policy, its errors detected in its output, audited."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neontui.cli import project
from neontui.cli.output import refused
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.cli.prompts import add_prompt_flags, answers, printer, report
from neontui.core.errors import ExitCode

_PASSED_ON = ("--strict", "--verbose", "--force")  # drizzle-kit push's own flags


def flags(sub: Subparsers) -> None:
    push = sub.add_parser("push", help="drizzle-kit push (development): its errors detected even when it exits 0",
                          description="Exit codes: 0 applied or no changes, 1 refused (production), 4 failed or "
                                      "aborted.")
    add_project_args(push)
    for flag in _PASSED_ON:
        push.add_argument(flag, action="store_true", help=f"drizzle-kit push {flag}")
    push.add_argument("--accept-data-loss", action="store_true", help="answer Yes at the data-loss question")
    push.add_argument("--truncate", action=argparse.BooleanOptionalAction, default=None,
                      help="answer the truncate question (default: ask, or abort without a terminal)")
    add_target_args(push, confirm="a production push")
    add_prompt_flags(push)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.gate import open_gate
    from neontui.core.actions.push import push

    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target)
    passed_on = [flag for flag in _PASSED_ON if getattr(args, flag[2:])]
    outcome = push(gate, flags=passed_on, typed_confirmation=args.confirm, answer=answers(args),
                   on_event=printer(args.json))
    if not outcome.decision.allowed:
        refused("push", outcome.decision.reasons, sys.stdout)
        return outcome.exit_code
    if outcome.error is not None:  # the audit log cannot be written: nothing ran
        raise outcome.error
    assert outcome.result is not None
    return report(outcome.result, args.json)
