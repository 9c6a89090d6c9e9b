"""`neontui push`: drizzle-kit push behind the production policy, its errors detected in its output, audited."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.cli import project
from neontui.cli.output import refused
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.cli.prompts import add_prompt_flags, answers, printer, report
from neontui.core.errors import ExitCode
from neontui.core.redact import redact

if TYPE_CHECKING:
    from neontui.core.actions.events import Prompt
    from neontui.core.kit.commands import Answer

_PASSED_ON = ("--strict", "--verbose", "--force")  # drizzle-kit push's own flags


def flags(sub: Subparsers) -> None:
    push = sub.add_parser("push", help="drizzle-kit push (development): its errors detected even when it exits 0",
                          description="In development it prints the statements drizzle-kit will execute and asks "
                                      "first (--yes without a terminal). Exit codes: 0 applied or no changes, "
                                      "1 refused (production), 4 failed, declined or not answered.")
    add_project_args(push)
    for flag in _PASSED_ON:
        push.add_argument(flag, action="store_true", help=f"drizzle-kit push {flag}")
    push.add_argument("--yes", action="store_true",
                      help="push the listed statements without asking (development; a data loss still needs "
                           "--accept-data-loss)")
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
    outcome = push(gate, flags=passed_on, typed_confirmation=args.confirm, answer=confirming(args),
                   on_event=printer(args.json), confirm_first=True)
    if not outcome.decision.allowed:
        refused("push", outcome.decision.reasons, sys.stdout)
        return outcome.exit_code
    if outcome.error is not None:  # the audit log cannot be written: nothing ran
        raise outcome.error
    assert outcome.result is not None
    return report(outcome.result, args.json)


def confirming(args: argparse.Namespace) -> Answer:
    """drizzle-kit's questions as `answers` answers them; the last one, with the statements it executes, printed
    whole and answered by --yes (--accept-data-loss when it loses data), on a terminal asked as y/N, otherwise
    declined with the flag to pass."""
    from neontui.core.actions.events import find_choice

    ask = answers(args)
    interactive = sys.stdin.isatty() and not args.json

    def choose(prompt: Prompt) -> int | None:
        if not prompt.statements:
            return ask(prompt)
        yes, no = find_choice(prompt, r"^yes"), find_choice(prompt, r"^no")
        for line in [*prompt.context, "", *(f"  {s}" for s in prompt.statements), ""]:
            print(redact(line), file=sys.stderr)
        flag = "--accept-data-loss" if prompt.kind == "data-loss" else "--yes"
        if getattr(args, flag[2:].replace("-", "_")):
            return yes
        if interactive:
            try:
                typed = input(f"{prompt.question} [y/N] ").strip().lower()
            except EOFError:
                typed = ""
            return yes if typed in ("y", "yes") else no
        print(f"neontui: push asks \"{prompt.question}\" and no terminal can answer: declined, nothing applied "
              f"(pass {flag} to push these statements)", file=sys.stderr)
        return no

    return choose
