"""The last question before a development push applies anything: the development-only warning, what drizzle-kit
will execute (its own SQL, scrollable), and two answers.

It answers a drizzle-kit `Prompt` that carries `statements` (core/kit/push_plan.py): `y` or the Push button picks
the prompt's "Yes…" choice; `n`, Escape, Enter on the focused Abort button or the Abort button pick its "No, abort"
choice, which applies nothing. Escape is never sent to drizzle-kit (at its data-loss prompt Escape would apply).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from neontui.core.redact import redact

if TYPE_CHECKING:
    from neontui.core.actions.events import Prompt


def choice_starting(prompt: Prompt, word: str) -> int | None:
    """The first choice that starts with `word` ("yes" / "no"), case-insensitive."""
    return next((i for i, choice in enumerate(prompt.choices) if choice.strip().lower().startswith(word)), None)


class PushConfirmDialog(ModalScreen[int | None]):
    """Confirm a push: `y` pushes the listed statements, `n` / Escape aborts (nothing is applied)."""

    DEFAULT_CSS = """
    PushConfirmDialog {
        align: center middle;
        background: $background 60%;
    }
    PushConfirmDialog > #dialog {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 95%;
        padding: 0 1;
        border: thick $warning;
        border-title-color: $text-warning;
        background: $panel;
    }
    PushConfirmDialog #warning {
        color: $text-warning;
        text-style: bold;
    }
    PushConfirmDialog #context {
        color: $text-warning;
    }
    PushConfirmDialog #statements {
        height: auto;
        max-height: 35vh;  /* 8 rows at 24: the question and the answers stay on screen */
        margin: 1 0;
        padding: 0 1;
        border-left: outer $primary;
    }
    PushConfirmDialog #question {
        text-style: bold;
    }
    PushConfirmDialog #buttons {
        height: auto;
        align-horizontal: right;
    }
    PushConfirmDialog #buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "abort", "Abort", priority=True),  # priority: nothing focused may turn it into a yes
        Binding("n", "abort", "Abort", show=False),
        Binding("y", "push", "Push", show=False),
    ]

    def __init__(self, prompt: Prompt) -> None:
        super().__init__()
        self.prompt = prompt
        self.yes, self.no = choice_starting(prompt, "yes"), choice_starting(prompt, "no")

    def compose(self) -> ComposeResult:
        warning, *context = [redact(line) for line in self.prompt.context] or [""]
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "drizzle-kit push"
            yield Static(warning, id="warning", markup=False)
            if context:
                yield Static("\n".join(context), id="context", markup=False)
            with VerticalScroll(id="statements"):
                yield Static("\n".join(redact(line) for line in self.prompt.statements), markup=False)
            yield Label(redact(self.prompt.question), id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Abort (n)", id="abort", variant="primary")
                yield Button("Push (y)", id="push", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#abort", Button).focus()  # Enter right away aborts

    def action_push(self) -> None:
        self.dismiss(self.yes)  # None (no "Yes" choice: should not happen) kills drizzle-kit: nothing applied

    def action_abort(self) -> None:
        self.dismiss(self.no)

    @on(Button.Pressed, "#push")
    def _push_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_push()

    @on(Button.Pressed, "#abort")
    def _abort_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_abort()
