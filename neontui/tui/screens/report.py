"""A read-only report in a modal screen (the rehearsal's, the schema diff): a title, styled lines, Close.

A Static lays out every line it holds (docs/console.md#highlighting-sql), so the screen shows at most
MAX_SCREEN_LINES; the caller writes all of them to the log (and so to the transcript).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from neontui.core.redact import redact

MAX_SCREEN_LINES = 400


def styled(lines: list[str], style_of: Callable[[int, str], str]) -> Text:
    """`lines` (redacted, never parsed as markup), each in the style `style_of(index, line)` gives."""
    text = Text()
    shown = lines[:MAX_SCREEN_LINES]
    for index, line in enumerate(shown):
        text.append(redact(line) + "\n", style=style_of(index, line))
    if len(lines) > len(shown):
        text.append(f"… {len(lines) - len(shown)} more line(s) in the log\n", style="dim")
    return text


class ReportScreen(ModalScreen[None]):
    """escape, q, enter or the button closes it; `failed` draws the border in the error colour."""

    DEFAULT_CSS = """
    ReportScreen { align: center middle; }
    ReportScreen > Vertical { width: 95%; height: 90%; border: thick $primary; background: $panel; padding: 0 1; }
    ReportScreen > Vertical.-failed { border: thick $error; }
    ReportScreen #title { text-style: bold; }
    ReportScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = [("escape", "close", "Close"), ("q", "close", "Close"), ("enter", "close", "Close")]

    def __init__(self, title: str, lines: list[str], style_of: Callable[[int, str], str], *,
                 failed: bool = False) -> None:
        super().__init__()
        self.title_text, self.lines, self.style_of, self.failed = title, lines, style_of, failed

    def compose(self) -> ComposeResult:
        with Vertical(classes="-failed" if self.failed else ""):
            yield Static(self.title_text, id="title", markup=False)
            with VerticalScroll():
                yield Static(styled(self.lines, self.style_of), id="report")
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
