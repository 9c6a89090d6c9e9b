"""The help screen (`?`, F1): the application's keys and every pane's own keys, as people type them.

The pane sections come from the widgets' BINDINGS (Textual's and ours, merged as Textual merges them), so a key a
widget adds or changes shows here without a second list to keep in step.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from neontui.tui.keymap import binding_rows, help_rows, help_text, key_display
from neontui.tui.widgets.checklist_pane import ChecklistItems, ChecklistPane
from neontui.tui.widgets.journal_pane import JournalPane
from neontui.tui.widgets.log_pane import LogPane, WrappedLog
from neontui.tui.widgets.sql_pane import SqlPane

# Title → the widget classes whose BINDINGS the section explains (the pane and the widget inside it that has focus).
PANES: tuple[tuple[str, tuple[type[DOMNode], ...]], ...] = (
    ("Journal (migrations)", (JournalPane,)),
    ("Checklist", (ChecklistItems, ChecklistPane)),
    ("SQL", (SqlPane,)),
    ("Log", (WrappedLog, LogPane)),
)


class HelpScreen(ModalScreen[None]):
    """Every key of the console, by where it works; Esc, Enter, `?` or `q` closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                                  background: $panel; padding: 0 1; }
    HelpScreen .section { text-style: bold; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,question_mark,q", "close", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        palette = self.app.COMMAND_PALETTE_BINDING
        everywhere = [*binding_rows(Screen), (key_display(palette), "Command palette (every action by name)")]
        with VerticalScroll():
            yield Static("Keys", classes="section", markup=False)
            yield Static(help_text(), markup=False)
            yield Static("Everywhere (Tab and Shift+Tab move between the panes)", classes="section", markup=False)
            yield Static(help_rows(everywhere), markup=False)
            for title, owners in PANES:
                yield Static(f"{title} pane, when it has the focus", classes="section", markup=False)
                yield Static(help_rows(binding_rows(*owners)), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
