"""Screens of the backup actions: which backup or copy (a name; empty: the newest backup), and the schema diff.

The restore's confirmation is the production migrate's (dialogs.ConfirmDialog): what is lost, then the typed name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from neontui.tui.screens.report import ReportScreen

if TYPE_CHECKING:
    from neontui.core.actions.diff import DiffResult

class NameDialog(ModalScreen[str | None]):
    """One optional name: "" (Enter on an empty field) means the newest backup; None means cancelled."""

    DEFAULT_CSS = """
    NameDialog { align: center middle; }
    NameDialog > Vertical { width: 80; height: auto; border: thick $primary; background: $panel; padding: 1 2; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, question: str, placeholder: str) -> None:
        super().__init__()
        self.question, self.placeholder = question, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield Input(placeholder=self.placeholder, id="name")
            yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def diff_lines(result: DiffResult) -> list[str]:
    """The summary, then the unified diff ('-' the target's lines, '+' the other side's), as `neontui diff`."""
    lines = [f"{result.target} → {result.against}: {result.summary}"]
    if result.differs:
        lines += result.text.rstrip("\n").splitlines()
    return lines


def _style(index: int, line: str) -> str:
    return ("bold" if index == 0 else "green" if line.startswith("+") else "red" if line.startswith("-")
            else "cyan" if line.startswith("@@") else "")


class DiffScreen(ReportScreen):
    """The schema diff between the target and a backup or a copy."""

    def __init__(self, result: DiffResult) -> None:
        super().__init__("Schema diff", diff_lines(result), _style)
        self.result = result
