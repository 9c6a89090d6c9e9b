"""`neontui rehearse`: the CLI face of neontui.core.actions.rehearse (progress on stderr, the report on stdout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from neontui.cli import project
from neontui.cli.output import finish, note
from neontui.cli.parser import Subparsers, add_project_args, add_target_args, duration
from neontui.core.display import observed_line
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.rehearse import RehearseOutcome
    from neontui.core.migrate.rehearse import Rehearsal


def flags(sub: Subparsers) -> None:
    rehearse = sub.add_parser(
        "rehearse", help="apply the pending migrations to a disposable copy of the target (a Neon branch or a "
                         "database copy), report every statement, then remove the copy",
        description="Exit codes: 0 the rehearsal applied everything (or nothing is pending), 3 configuration or "
                    "connection error (no copy could be made; nothing ran), 4 a statement failed on the copy, 5 "
                    "retryable (lock_timeout fired on the copy, another run holds the lock). The target is only read.")
    add_project_args(rehearse)
    rehearse.add_argument("--keep", action="store_true", help="keep the copy afterwards (neontui diff compares it)")
    rehearse.add_argument("--lock-timeout", type=duration, help="e.g. 5s (default: neontui.toml, else 5s)")
    rehearse.add_argument("--statement-timeout", type=duration, help="e.g. 10min (default: neontui.toml, else off)")
    rehearse.add_argument("--per-migration", action="store_true", help="one transaction per migration")
    add_target_args(rehearse)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.gate import open_gate
    from neontui.core.actions.migrate import run_options
    from neontui.core.actions.rehearse import run_rehearsal
    from neontui.core.safety import RunMode

    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     mode=RunMode.PLANNED)
    options = run_options(gate.settings, dry=False, lock_timeout=args.lock_timeout,
                          statement_timeout=args.statement_timeout, per_migration=args.per_migration)
    outcome = run_rehearsal(gate, keep=args.keep, options=options, on_notice=note)
    return finish(outcome, json_mode=args.json, document=lambda: _document(outcome),
                  text=lambda: _text(outcome, sys.stdout))


def _text(outcome: RehearseOutcome, out: TextIO) -> None:
    report = outcome.report
    if report is None:
        out.write("nothing pending: nothing to rehearse\n" if not outcome.pending and outcome.error is None else "")
        return
    out.write(f"rehearsal of {len(report.migrations)} migration(s) on {report.copy.label()}, a copy of "
              f"{report.target} ({report.copy.why})\n")
    for statement in report.statements:
        out.write(f"  {observed_line(statement)}\n")
    if report.error is not None:
        out.write(f"FAILED on the copy: {report.error.one_line()}\n")
    out.write(f"applied {len(report.applied)} of {len(report.migrations)} on the copy in "
              f"{report.apply_duration:.3f}s\n")
    if report.diff is not None:
        out.write(f"schema change (target → copy): {report.diff.summary_line()}\n")
        out.write("".join(f"    {line}\n" for line in report.diff.text.splitlines()))
    elif report.diff_error is not None:
        out.write(f"warning: no schema diff: {report.diff_error}\n")
    if report.removal_error is not None:
        out.write(f"the copy was NOT removed: {report.removal_error}\n")
    else:
        out.write("the copy was removed; the target was not changed\n" if report.removed else
                  f"the copy was kept: {report.copy.label()}\n")
    if report.ok:
        out.write('checklist: "Tested in development" is checked with this rehearsal as evidence\n'
                  if outcome.saved else "")
        out.write("next: neontui migrate applies the same batch to the target\n")
    else:
        out.write("the production gate stays locked for this pending set until a rehearsal succeeds\n"
                  "next: fix the statement named above, then rehearse again\n")


def _document(outcome: RehearseOutcome) -> dict[str, Any]:
    report: Rehearsal | None = outcome.report
    return {"pending": outcome.pending, "rehearsal": None if report is None else report.to_json(),
            "checklist_saved": outcome.saved,
            "error": None if outcome.error is None else {"message": outcome.error.one_line()},
            "exit_code": int(outcome.exit_code)}
