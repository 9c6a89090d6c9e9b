"""Opening the gate (connect, the pending batch, the review, the environment and its checklist) and toggling the
checklist: the steps before any action, the same for the CLI and the console."""

from collections.abc import Iterable

from neontui.core.gate.gate import Gate, open_gate

__all__ = ["Gate", "open_gate", "toggle"]


def toggle(gate: Gate, *, check: Iterable[str] = (), uncheck: Iterable[str] = ()) -> bool:
    """Check, then uncheck, the given items and save the checklist for this server; False: it could not be saved."""
    for item_id in check:
        gate.checklist.check(item_id)
    for item_id in uncheck:
        gate.checklist.uncheck(item_id)
    return gate.save()
