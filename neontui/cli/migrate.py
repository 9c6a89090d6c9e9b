"""`neontui migrate`: the CLI face of neontui.core.actions.migrate (progress on stderr, the result on stdout)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from neontui.core.actions.migrate import Engine, Outcome, execute
from neontui.core.db.blockers import describe
from neontui.core.drizzle.project import Project
from neontui.core.errors import ExitCode
from neontui.core.gate.gate import Gate, open_gate
from neontui.core.gate.policy import Action
from neontui.core.kit.session import Line
from neontui.core.migrate.dryrun import DEFAULT_LOCK_TIMEOUT
from neontui.core.migrate.migrator import MigrateOptions, MigrationApplied, StatementFinished
from neontui.core.migrate.plan import build_plan
from neontui.core.redact import redact
from neontui.core.safety import RunMode


def migrate_command(args: argparse.Namespace, project: Project) -> ExitCode:
    # The native engine runs CONCURRENTLY statements and the files' own COMMITs as planned steps; drizzle-kit cannot.
    mode = RunMode.PLANNED if args.engine == "native" else RunMode.TRANSACTION
    gate = open_gate(project, env_flag=args.env, target_name=args.target, mode=mode)
    settings = gate.settings
    default_timeout = DEFAULT_LOCK_TIMEOUT if args.dry_run else (settings.lock_timeout or "5s")
    options = MigrateOptions(lock_timeout=args.lock_timeout or default_timeout,
                             statement_timeout=args.statement_timeout or settings.statement_timeout or "0",
                             lock_wait=args.lock_wait, per_migration=args.per_migration)
    pending = gate.pending.migrations
    if args.plan:
        plan = build_plan(pending, per_migration=args.per_migration, server_version=gate.pending.server_version)
        if args.json:
            _print_json({"plan": plan.to_json()})
        else:
            print("\n".join(plan.describe()) or "nothing pending")
        return ExitCode.OK
    if not pending:
        if args.json:
            _print_json({"applied": [], "pending": [], "exit_code": 0})
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
                      on_notice=lambda m: print(redact(m), file=sys.stderr))
    if args.json:
        _print_json(_document(outcome))
    else:
        _text(outcome, sys.stdout)
    if outcome.error is not None:
        print(f"neontui: error: {outcome.error.one_line()}", file=sys.stderr)
    return outcome.exit_code


def _ask(gate: Gate, database: str) -> str:
    print("About to apply to PRODUCTION:", file=sys.stderr)
    for migration in gate.pending.migrations:
        findings = [f for f in gate.review.findings if f.tag == migration.tag and not f.suppressed]
        print(f"  {migration.tag}: {len(findings)} finding(s)" +
              (f" ({', '.join(sorted({f.rule for f in findings}))})" if findings else ""), file=sys.stderr)
    print("A restore point (server time and WAL LSN) is recorded right before the run.", file=sys.stderr)
    try:
        return input(f"Type the database name ({database}) to confirm: ")
    except EOFError:
        return ""


def _progress(event: object) -> None:
    if isinstance(event, Line):  # drizzle-kit's own output, with the drizzle-kit engine
        print(redact(event.text), file=sys.stderr)
    elif isinstance(event, StatementFinished):
        rows = f"  {event.rows} row(s)" if event.rows else ""
        print(f"  {event.tag} #{event.statement}  {event.elapsed:.3f}s{rows}", file=sys.stderr)
    elif isinstance(event, MigrationApplied):
        print(f"✓ {event.tag} applied ({event.elapsed:.3f}s)", file=sys.stderr)


def _text(outcome: Outcome, out: TextIO) -> None:
    if not outcome.decision.allowed:
        out.write(f"{outcome.action} refused:\n" + "".join(f"  - {r}\n" for r in outcome.decision.reasons))
        return
    for blocker in outcome.blockers:
        out.write(f"warning: {describe(blocker)}\n")
    if outcome.restore_point is not None:
        point = outcome.restore_point
        out.write(f"restore point: {point.time} (LSN {point.lsn})\n")
        out.write("".join(f"  {line}\n" for line in point.restore_commands()))
    if outcome.dry is not None:
        dry = outcome.dry
        out.write(f"dry run (rolled back; it took real locks with lock_timeout {dry.lock_timeout}):\n")
        for s in dry.statements:
            if s.skipped:
                out.write(f"  {s.tag} #{s.statement}  skipped: {s.skipped}\n")
                continue
            if s.elapsed is None:
                continue
            if dry.error is not None and s is dry.statements[-1]:
                out.write(f"  {s.tag} #{s.statement}  {s.elapsed:.3f}s  FAILED\n")
                continue
            locks = ", ".join(f"{mode} on {rel}" for rel, mode in s.locks) or "no new locks"
            rewritten = f"; REWRITES {', '.join(s.rewritten)}" if s.rewritten else ""
            rows = f"; {s.rows} row(s)" if s.rows is not None else ""
            out.write(f"  {s.tag} #{s.statement}  {s.elapsed:.3f}s  {locks}{rewritten}{rows}\n")
        if dry.error is not None:
            out.write(f"first error: {dry.error.one_line()}\n")
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


def _document(outcome: Outcome) -> dict[str, Any]:
    error = outcome.error
    return {
        "action": str(outcome.action), "allowed": outcome.decision.allowed,
        "reasons": list(outcome.decision.reasons), "confirmation": outcome.decision.confirmation,
        "direct_switch": outcome.direct_switch, "blockers": [describe(b) for b in outcome.blockers],
        "restore_point": outcome.restore_point.to_json() if outcome.restore_point else None,
        "applied": outcome.applied, "report": outcome.report.to_json() if outcome.report else None,
        "dry_run": outcome.dry.to_json() if outcome.dry else None,
        "error": None if error is None else {"message": error.one_line(),
                                             **(error.to_json() if hasattr(error, "to_json") else {})},
        "exit_code": int(outcome.exit_code),
    }


def _print_json(document: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact (and several times faster to encode) for programs.
    indent = 2 if sys.stdout.isatty() else None
    print(redact(json.dumps(document, indent=indent, ensure_ascii=False, default=str)))
