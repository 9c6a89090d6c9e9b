"""What every gated action's exit code starts from: refused by the policy (nothing ran), or its error's code."""

from __future__ import annotations

from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.gate.policy import Decision


def gated_exit_code(decision: Decision, error: NeontuiError | None) -> ExitCode | None:
    """1 when the policy refused (nothing ran), the error's code when the action failed, None otherwise."""
    if not decision.allowed:
        return ExitCode.PENDING
    return error.exit_code if error is not None else None
