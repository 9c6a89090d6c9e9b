"""`neontui restore`: put the target back to a backup (or, on Neon, a point in time), after saying what is lost."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.cli import project
from neontui.cli.output import finish, refused
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.restore import RestoreOutcome, RestorePlan


def flags(sub: Subparsers) -> None:
    restore = sub.add_parser(
        "restore", help="restore the target from a backup (Neon: also a point in time), keeping the state before",
        description="--to: a backup's name or id (default: the newest neontui backup), or on Neon an RFC 3339 time "
                    "to rewind the branch to from its own history. On Neon every database on the branch is "
                    "replaced and its connections drop; the state before is kept as the branch "
                    "<branch>-before-restore-<time>. Elsewhere the database is swapped for a copy of the backup "
                    "database and the old one is kept as <database>-before-restore-<time>. Needs the typed "
                    "database name in every environment. Exit codes: 0 restored, 1 refused (the typed name is "
                    "missing or wrong: nothing changed), 3 configuration, connection or API error (no backup, a "
                    "time on plain PostgreSQL), 5 retryable (the Neon API kept answering 423/429/5xx).")
    add_project_args(restore)
    add_target_args(restore, confirm="the restore")
    restore.add_argument("--to", metavar="BACKUP|TIMESTAMP", help="a backup name or id, or (Neon) an RFC 3339 time")
    restore.add_argument("--yes", action="store_true", help="never prompt (then --confirm is needed)")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.gate import open_gate
    from neontui.core.actions.restore import execute_restore, plan_restore
    from neontui.core.gate.policy import Action

    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     review=False)  # a restore needs the typed name, never the checklist
    plan = plan_restore(gate, args.to)
    if not args.json:
        _losses(plan)
    confirmation = args.confirm
    wanted = gate.confirmation_to_ask(Action.RESTORE, gate.decide(Action.RESTORE, confirmation))
    if wanted is not None and confirmation is None and not args.yes and not args.json and sys.stdin.isatty():
        try:
            confirmation = input(f"Type the database name ({wanted}) to restore: ")
        except EOFError:
            confirmation = ""
    outcome = execute_restore(gate, plan, confirmation)  # the plan was printed: an error stays one line
    return finish(outcome, json_mode=args.json, document=outcome.to_json, text=lambda: _text(outcome))


def _losses(plan: RestorePlan) -> None:
    print(f"restore {plan.where} from {plan.source}:")
    for line in plan.losses():
        print(f"  - {line}")


def _text(outcome: RestoreOutcome) -> None:
    if not outcome.decision.allowed:
        refused("restore", outcome.decision.reasons, sys.stdout)
        return
    if outcome.error is None:
        print(f"restored; the state before the restore is kept as {outcome.preserved}")
        for note in outcome.notes:
            print(f"note: {note}")
