"""`batch`: the pending batch at a glance (core.gate.batch), for the CLI and the console; reads, changes nothing."""

from __future__ import annotations

from neontui.core.gate.batch import Batch, BatchMigration, BatchStatement, BatchTable, pending_batch
from neontui.core.gate.gate import Gate

__all__ = ["Batch", "BatchMigration", "BatchStatement", "BatchTable", "show_batch"]


def show_batch(gate: Gate, *, deadline: float | None = None) -> Batch:
    """What the next migrate runs, with the touched tables' live sizes (one catalog query); `gate` is opened with
    the review on, so the findings are there."""
    return pending_batch(gate, deadline=deadline)
