"""`neontui rehearse`: the pending batch on a disposable copy of the target, then the checklist and the audit log.

The batch rehearsed is the gate's, exactly as reviewed (the files as read, the tags approved); the run refuses what a
real run refuses (check_refusals) before a copy is made. How it ended is recorded on the target's checklist for
this pending set: a success checks "Tested in development" with the rehearsal as evidence, a failure locks the
production gate with its reason (policy.Reason.REHEARSAL_FAILED) until a rehearsal succeeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from neontui.core.actions.audit import AuditLog, build_record
from neontui.core.actions.backup import neon_session
from neontui.core.actions.migrate import check_refusals, run_options
from neontui.core.drizzle.journal import check_nul_bytes
from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.gate.gate import Gate
from neontui.core.gate.policy import Action, Decision
from neontui.core.migrate.migrator import EventHandler, MigrateOptions
from neontui.core.migrate.rehearse import NeonRehearsal, Rehearsal, rehearse

__all__ = ["RehearseOutcome", "run_rehearsal"]


@dataclass
class RehearseOutcome:
    decision: Decision
    pending: list[str]
    report: Rehearsal | None = None
    error: NeontuiError | None = None  # the rehearsal could not run (no copy, no key, refused history)
    saved: bool = True  # whether the checklist took the result

    @property
    def exit_code(self) -> ExitCode:
        if self.error is not None:
            return self.error.exit_code
        if self.report is not None:
            return self.report.exit_code
        return ExitCode.OK


def run_rehearsal(gate: Gate, *, keep: bool = False, options: MigrateOptions | None = None,
                  on_event: EventHandler | None = None,
                  on_notice: Callable[[str], None] | None = None) -> RehearseOutcome:
    """Rehearse the gate's pending batch (see the module text); nothing pending: nothing to do."""
    notice = on_notice or (lambda _m: None)
    options = options or run_options(gate.settings, dry=False)
    pending = [m.tag for m in gate.pending.migrations]
    outcome = RehearseOutcome(gate.decide(Action.REHEARSE), pending)
    if not pending:
        return outcome
    started = time.monotonic()
    project = gate.project
    try:
        check_nul_bytes(gate.pending.journal.entries)
        check_refusals(gate)
        with _neon(gate) as neon:
            outcome.report = rehearse(project.database_url or "", gate.pending.journal, project.ledger_schema,
                                      project.ledger_table, options, expect=pending, neon=neon, keep=keep,
                                      on_event=on_event, notice=notice)
    except NeontuiError as exc:
        outcome.error = exc
    if outcome.report is not None:
        gate.checklist.record_rehearsal(outcome.report.evidence(), ok=outcome.report.ok)
        outcome.saved = gate.save()
        if not outcome.saved:
            notice("warning: the checklist could not be saved, so this rehearsal is not on record for the gate")
    _audit(gate, outcome, started)
    return outcome


@contextmanager
def _neon(gate: Gate) -> Iterator[NeonRehearsal | None]:
    """On a Neon target: the API client and where the target's branch is (actions.backup.neon_session, the one way
    to open them), closed after the block; None elsewhere."""
    if gate.neon is None:
        yield None
        return
    with neon_session(gate) as (client, place):
        yield NeonRehearsal(client, place)


def _audit(gate: Gate, outcome: RehearseOutcome, started: float) -> None:
    report = outcome.report
    error: str | None
    if outcome.error is not None:
        result, error = "failed", outcome.error.one_line()
    elif report is not None:
        result, error = ("ok" if report.ok else "failed"), report.failure()
    else:
        return
    details = {} if report is None else {
        "copy": report.copy.to_json(), "applied": report.applied, "removed": report.removed,
        "statements": len(report.statements), "schema_changes": None if report.diff is None else report.diff.summary(),
        "diff_error": report.diff_error}
    record = build_record("rehearse", project_root=gate.project.config.root, url=gate.project.database_url,
                          environment=gate.environment, migrations=gate.pending.migrations, checklist=gate.checklist,
                          result=result, duration_s=round(time.monotonic() - started, 3), error=error,
                          details=details)
    AuditLog.for_project(gate.project.config.root, gate.settings).append(record)
