"""`push`: policy, the audit log's writability in production, drizzle-kit push, the audit record."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from neontui.core.actions.audit import AuditLog
from neontui.core.actions.kit_audit import audit_kit_run
from neontui.core.actions.outcome import gated_exit_code
from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.gate.gate import Gate
from neontui.core.gate.policy import Action, Decision
from neontui.core.kit import commands
from neontui.core.kit.commands import Answer, EventSink, KitResult
from neontui.core.kit.session import Line, Prompt

# The seeds' words (issue 14), shown before a development push runs and again with the statements it will execute.
DEV_ONLY_WARNING = "push bypasses migrations: development only"
DEV_ONLY_DETAIL = ("it writes no migration file and no ledger row (other environments never get this change) and "
                   "runs the statements one by one without a transaction or a restore point: those before an "
                   "error stay applied")
_CONFIRMING = ("--strict", "--verbose")  # drizzle-kit prints the SQL and asks before it applies (kit/push_plan.py)


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
         on_event: EventSink, confirm_first: bool = False) -> PushOutcome:
    """Refused pushes are recorded too; drizzle-kit's own errors (not installed, …) are recorded, then raised.

    `confirm_first` (the CLI and the console): in development the warning is shown and `answer` gets one prompt
    with the statements (`Prompt.statements`) before anything is applied; declining applies nothing. In production
    the typed database name is the confirmation (the policy's), as before."""
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
    if confirm_first and not gate.environment.production:
        flags = [*flags, *(flag for flag in _CONFIRMING if flag not in flags)]
        answer = _warning_with(answer, gate.pending.database)
        on_event(Line(f"{DEV_ONLY_WARNING}: {DEV_ONLY_DETAIL}"))
    try:
        outcome.result = commands.push(project, args=flags, answer=answer, on_event=on_event)
    except NeontuiError as exc:
        record(None, error=exc.one_line())
        raise
    record(outcome.result)
    return outcome


def _warning_with(answer: Answer, database: str) -> Answer:
    """The statements' question carries the development-only warning and names the database, whatever the front."""

    def ask(prompt: Prompt) -> int | None:
        if prompt.statements:
            count = sum(1 for line in prompt.statements if line.rstrip().endswith(";")) or len(prompt.statements)
            question = f"Push these {count} statement(s) to {database}?" if prompt.kind == "strict" else \
                prompt.question  # the data-loss question stays drizzle-kit's own
            prompt = replace(prompt, question=question, context=(DEV_ONLY_WARNING, DEV_ONLY_DETAIL, *prompt.context))
        return answer(prompt)

    return ask
