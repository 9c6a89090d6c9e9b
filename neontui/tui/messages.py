"""Messages the console's workers post to the app (workers never touch the widgets' state directly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from neontui.core.redact import redact

if TYPE_CHECKING:
    from neontui.core.actions.gate import Gate
    from neontui.core.actions.migrate import Outcome
    from neontui.core.drizzle.overview import Overview


class StatusRead(Message):
    """The load's first half: the journal against the ledger, before the live schema and the review (`Loaded`)."""

    def __init__(self, overview: Overview) -> None:
        self.overview = overview
        super().__init__()


class Loaded(Message):
    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        super().__init__()


class Failed(Message):
    def __init__(self, what: str, error: str) -> None:
        self.what, self.error = what, redact(error)
        super().__init__()


class RunFinished(Message):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__()


class Reload(Message):
    """A run changed the project or the database: read both again."""
