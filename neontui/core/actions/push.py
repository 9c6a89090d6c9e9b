"""`push`: policy, the audit log's writability in production, drizzle-kit push, the audit record."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from neontui.core.actions.audit import AuditLog
from neontui.core.actions.kit_audit import audit_kit_run
from neontui.core.actions.outcome import gated_exit_code
from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.gate.gate import Gate
from neontui.core.gate.policy import Action, Decision
from neontui.core.kit import commands
from neontui.core.kit.commands import Answer, EventSink, KitResult


@dataclass
class PushOutcome:
    decision: Decision
    result: KitResult | None = None  # None: refused, or the audit log could not be written (nothing ran)
    error: NeontuiError | None = None

    @property
    def exit_code(self) -> ExitCode:
        code = gated_exit_code(self.decision, self.error)
        if code is not None:
            return code
        return self.result.exit_code if self.result is not None else ExitCode.OK


def push(gate: Gate, *, flags: Sequence[str] = (), typed_confirmation: str | None = None, answer: Answer,
         on_event: EventSink) -> PushOutcome:
    """Refused pushes are recorded too; drizzle-kit's own errors (not installed, …) are recorded, then raised."""
    project = gate.project
    root = project.config.root
    log = AuditLog.for_project(root, gate.settings)
    decision = gate.decide(Action.PUSH, typed_confirmation)
    outcome = PushOutcome(decision)
    started = time.monotonic()

    def record(result: KitResult | None, *, refused: str | None = None, error: str | None = None) -> None:
        audit_kit_run(log, str(Action.PUSH), root=root, url=project.database_url, environment=gate.environment,
                      result=result, started=started, refused=refused, error=error, checklist=gate.checklist)

    if not decision.allowed:
        record(None, refused="; ".join(decision.reasons))
        return outcome
    if gate.environment.production:
        # As migrate: a production push must leave its record, so refuse before anything runs.
        try:
            log.ensure_writable()
        except NeontuiError as exc:
            outcome.error = exc
            return outcome
    try:
        outcome.result = commands.push(project, args=flags, answer=answer, on_event=on_event)
    except NeontuiError as exc:
        record(None, error=exc.one_line())
        raise
    record(outcome.result)
    return outcome
