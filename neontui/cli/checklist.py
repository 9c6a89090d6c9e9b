"""`neontui checklist`: the pending batch's safety checklist, toggled, and what it unlocks."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.cli import project
from neontui.cli.output import note, print_json
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.core.display import evidence_line
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.gate import Gate
    from neontui.core.gate.policy import Decision


def flags(sub: Subparsers) -> None:
    checklist = sub.add_parser("checklist", help="the safety checklist of the pending migrations, and what it unlocks",
                               description="Shows the checklist for the pending batch (seed items plus items derived "
                                           "from the review), toggles items, and says whether migrate and push may "
                                           "run. Exit codes: 0 complete, 1 items unchecked, 3 error.")
    add_project_args(checklist)
    checklist.add_argument("--check", action="append", default=[], metavar="ID", help="check an item (repeatable)")
    checklist.add_argument("--uncheck", action="append", default=[], metavar="ID", help="uncheck an item")
    add_target_args(checklist)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.gate import open_gate, toggle

    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     review=True)
    if (args.check or args.uncheck) and not toggle(gate, check=args.check, uncheck=args.uncheck):
        note("warning: the checklist could not be saved")
    decisions = {action: gate.decide(action) for action in ("migrate", "push")}
    if args.json:
        print_json(_document(gate, decisions))
    else:
        _text(gate, decisions)
    return ExitCode.OK if gate.checklist.complete else ExitCode.PENDING


def _document(gate: Gate, decisions: dict[str, Decision]) -> dict[str, object]:
    done, total = gate.checklist.progress
    return {
        "environment": {"name": gate.environment.name, "production": gate.environment.production,
                        "reason": gate.environment.reason, "target": gate.environment.target},
        "pending": [m.tag for m in gate.pending.migrations], "progress": {"done": done, "total": total},
        "complete": gate.checklist.complete,
        "items": [{"id": i.id, "label": i.label, "checked": i.checked, "derived": i.derived,
                   "can_check": i.can_check, "detail": i.detail,
                   "evidence": _evidence(gate, i.id)} for i in gate.checklist.items],
        "rehearsal": gate.checklist.rehearsal,
        "actions": {a: {"allowed": d.allowed, "reasons": list(d.reasons), "codes": [str(c) for c in d.codes],
                        "blocked_by": list(d.blocked_by), "confirmation": d.confirmation}
                    for a, d in decisions.items()},
    }


def _text(gate: Gate, decisions: dict[str, Decision]) -> None:
    env = gate.environment
    done, total = gate.checklist.progress
    print(f"{'PRODUCTION' if env.production else 'development'} ({env.reason})")
    print(f"pending: {', '.join(m.tag for m in gate.pending.migrations) or 'nothing'}")
    print(f"checklist {done}/{total}")
    for item in gate.checklist.items:
        mark = "x" if item.checked else ("!" if not item.can_check else " ")
        print(f"  [{mark}] {item.id:<30} {item.label}")
        if (evidence := _evidence(gate, item.id)) is not None:
            print(f"      {evidence_line(evidence)}")
    if (failure := gate.checklist.rehearsal_failure) is not None:
        print(f"last rehearsal FAILED: {failure}")
    if gate.backup_planned:
        print("backup: a production migrate takes a Neon backup branch itself before its first statement")
    elif gate.backup_note is not None:
        print(gate.backup_note)
    for action, decision in decisions.items():
        state = "allowed" if decision.allowed else "; ".join(decision.reasons)
        print(f"{action}: {state}")


def _evidence(gate: Gate, item_id: str) -> dict[str, object] | None:
    record = gate.checklist.checks.get(item_id)
    return dict(record.evidence) if record is not None and record.evidence is not None else None
