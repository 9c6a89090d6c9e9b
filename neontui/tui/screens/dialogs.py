"""Modal dialogs: the production confirmation (type the database name) and errors."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from neontui.core.redact import redact


class ConfirmDialog(ModalScreen[str | None]):
    """Lists what will run and the restore point, and returns the typed database name (None: cancelled)."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 90%; max-width: 100; height: auto; border: thick $error; background: $panel;
                               padding: 1 2; }
    ConfirmDialog #title { color: $error; text-style: bold; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, title: str, lines: list[str], database: str) -> None:
        super().__init__()
        self.title_text, self.lines, self.database = title, lines, database

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="title")
            yield Static(redact("\n".join(self.lines)))
            yield Static(f"Type the database name [b]{self.database}[/b] to confirm:")
            yield Input(placeholder=self.database, id="typed")
            yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ErrorDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical { width: 80%; max-width: 100; height: auto; border: thick $error; background: $panel;
                             padding: 1 2; }
    """
    BINDINGS = [("escape", "close", "Close"), ("enter", "close", "Close")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = redact(message)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message)
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class GenerateDialog(ModalScreen[tuple[str | None, bool] | None]):
    """drizzle-kit generate's options: an optional name, and whether it is an empty custom migration."""

    DEFAULT_CSS = """
    GenerateDialog { align: center middle; }
    GenerateDialog > Vertical { width: 70; height: auto; border: thick $primary; background: $panel; padding: 1 2; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Generate a migration from the Drizzle schema")
            yield Input(placeholder="name (optional), e.g. add_billing_email", id="name")
            yield Checkbox("custom: an empty migration for hand-written SQL", id="custom")
            yield Button("Generate", id="go", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._done()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._done()

    def _done(self) -> None:
        name = self.query_one("#name", Input).value.strip() or None
        self.dismiss((name, self.query_one("#custom", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
