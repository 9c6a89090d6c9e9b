"""`neontui migrate`: the CLI face of neontui.core.actions.migrate (progress on stderr, the result on stdout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from neontui.cli import project
from neontui.cli.output import finish, note, print_json, refused
from neontui.cli.parser import Subparsers, add_project_args, add_target_args, duration, seconds
from neontui.core.display import confirmation_summary, dry_run_lines, event_line
from neontui.core.errors import ExitCode
from neontui.core.redact import redact

if TYPE_CHECKING:
    from neontui.core.actions.gate import Gate
    from neontui.core.actions.migrate import Outcome


def flags(sub: Subparsers) -> None:
    migrate = sub.add_parser(
        "migrate", help="apply the pending migrations (or --dry-run them) with a lock, timeouts and a restore point",
        description="Exit codes: 0 applied (or nothing pending), 1 refused by the production policy, 3 "
                    "configuration or connection error, 4 a statement failed, 5 retryable (another run holds the "
                    "lock, lock_timeout fired, or the pending set changed).")
    add_project_args(migrate)
    migrate.add_argument("--dry-run", action="store_true", help="run the batch in a transaction and roll it back")
    migrate.add_argument("--engine", choices=("native", "drizzle-kit"), default="native")
    migrate.add_argument("--lock-timeout", type=duration, help="e.g. 5s (default: neontui.toml, else 5s; dry run 2s)")
    migrate.add_argument("--statement-timeout", type=duration, help="e.g. 10min (default: neontui.toml, else off)")
    migrate.add_argument("--lock-wait", type=seconds, default=10.0, help="seconds to wait for another run (10)")
    migrate.add_argument("--per-migration", action="store_true", help="one transaction per migration")
    migrate.add_argument("--plan", action="store_true", help="print where transactions begin and end, run nothing")
    add_target_args(migrate, confirm="a production run")
    migrate.add_argument("--yes", action="store_true", help="never prompt (a production run then needs --confirm)")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.gate import open_gate
    from neontui.core.actions.migrate import Engine, check_refusals, execute, plan, run_options
    from neontui.core.gate.policy import Action
    from neontui.core.safety import RunMode

    # The native engine runs CONCURRENTLY statements and the files' own COMMITs as planned steps; drizzle-kit cannot.
    mode = RunMode.PLANNED if args.engine == "native" else RunMode.TRANSACTION
    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target, mode=mode)
    options = run_options(gate.settings, dry=args.dry_run, lock_timeout=args.lock_timeout,
                          statement_timeout=args.statement_timeout, lock_wait=args.lock_wait,
                          per_migration=args.per_migration)
    pending = gate.pending.migrations
    if args.plan:
        batch = plan(gate, per_migration=args.per_migration)
        if args.json:
            print_json({"plan": batch.to_json()})
        else:
            print("\n".join(batch.describe()) or "nothing pending")
        return ExitCode.OK
    check_refusals(gate)  # what drizzle-kit 1.0 migrate refuses, even with nothing pending
    if not pending:
        if args.json:
            print_json({"applied": [], "pending": [], "exit_code": 0})
        else:
            print("nothing pending")
        return ExitCode.OK
    confirmation = args.confirm
    action = Action.DRY_RUN if args.dry_run else Action.MIGRATE
    first = gate.decide(action, confirmation)
    wanted = gate.confirmation_to_ask(action, first)
    if wanted is not None and confirmation is None and not args.yes and not args.json and sys.stdin.isatty():
        confirmation = _ask(gate, wanted)
    outcome = execute(gate, dry=args.dry_run, engine=Engine(args.engine), options=options,
                      typed_confirmation=confirmation, on_event=None if args.json else _progress,
                      on_notice=note)
    return finish(outcome, json_mode=args.json, document=lambda: _document(outcome),
                  text=lambda: _text(outcome, sys.stdout))


def _ask(gate: Gate, database: str) -> str:
    *per_migration, restore_note = confirmation_summary(gate.pending.migrations, gate.review.findings)
    print("About to apply to PRODUCTION:", file=sys.stderr)
    for line in per_migration:
        print(f"  {line}", file=sys.stderr)
    print(restore_note, file=sys.stderr)
    try:
        return input(f"Type the database name ({database}) to confirm: ")
    except EOFError:
        return ""


def _progress(event: object) -> None:
    from neontui.core.actions.events import Exited, Line

    if isinstance(event, Line):  # drizzle-kit's own output, with the drizzle-kit engine
        print(redact(event.text), file=sys.stderr)
    elif not isinstance(event, Exited) and (line := event_line(event)) is not None:  # the outcome reports the exit
        print(line, file=sys.stderr)


def _text(outcome: Outcome, out: TextIO) -> None:
    if not outcome.decision.allowed:
        refused(str(outcome.action), outcome.decision.reasons, out)
        return
    for blocker in outcome.blocker_notes:
        out.write(f"warning: {blocker}\n")
    _ways_back(outcome, out)
    if outcome.dry is not None:  # the console's log shows the same lines
        out.write("".join(f"{line}\n" for line in dry_run_lines(outcome.dry)))
        if outcome.dry.error is not None:
            out.write(f"first error: {outcome.dry.error.one_line()}\n")
    if outcome.applied:
        out.write(f"applied {len(outcome.applied)}: {', '.join(outcome.applied)}\n")
    elif outcome.dry is None:
        out.write("applied nothing\n")
    if outcome.report is not None:
        out.write(f"duration {outcome.report.duration:.3f}s\n")
    if outcome.error is not None:
        out.write({ExitCode.FAILED: "next: fix the statement named below and run again (the failed step was rolled "
                                    "back)\n",
                   ExitCode.RETRY: "next: retry when the cause below is gone\n"}.get(
            outcome.error.exit_code, "next: fix the problem below, then run again\n"))
    elif outcome.dry is not None:
        out.write("next: " + ("neontui migrate applies it for real\n" if outcome.dry.ok else
                              "fix the first error, then dry-run again\n"))
    else:
        out.write("next: up to date; neontui status shows the ledger\n")


def _ways_back(outcome: Outcome, out: TextIO) -> None:
    """The restore point and the backup branch taken before the run, each with its exact commands."""
    if outcome.restore_point is not None:
        point = outcome.restore_point
        out.write(f"restore point: {point.time} (LSN {point.lsn})\n")
        out.write("".join(f"  {line}\n" for line in outcome.restore_commands()))
    if outcome.backup is not None:
        backup = outcome.backup
        out.write(f"{backup.what}: {backup.backup_name} ({backup.backup_id}) of branch {backup.branch_name} "
                  f"({backup.branch_id}), taken before the first statement; to go back:\n")
        out.write("".join(f"  {line}\n" for line in backup.restore_commands()))


def _document(outcome: Outcome) -> dict[str, Any]:
    error = outcome.error
    return {
        "action": str(outcome.action), "allowed": outcome.decision.allowed,
        "reasons": list(outcome.decision.reasons), "codes": [str(c) for c in outcome.decision.codes],
        "confirmation": outcome.decision.confirmation,
        "direct_switch": outcome.direct_switch, "blockers": outcome.blocker_notes,
        "restore_point": ({**outcome.restore_point.to_json(), "commands": outcome.restore_commands()}
                          if outcome.restore_point else None),
        "backup": outcome.backup.to_json() if outcome.backup else None,
        "applied": outcome.applied, "report": outcome.report.to_json() if outcome.report else None,
        "dry_run": outcome.dry.to_json() if outcome.dry else None,
        "error": None if error is None else {"message": error.one_line(),
                                             **(error.to_json() if hasattr(error, "to_json") else {})},
        "exit_code": int(outcome.exit_code),
    }
