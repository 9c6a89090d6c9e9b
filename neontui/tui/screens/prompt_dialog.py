"""A modal for one drizzle-kit prompt. It returns the chosen index, or None, which means ABORT.

Escape never answers the prompt: at push's data-loss prompt drizzle-kit treats Escape as "apply"
(docs/compatibility.md#drizzle-kit-prompts), so here Escape (and the Abort button) always returns None and the caller
kills drizzle-kit. For a data-loss prompt the highlight starts on the "No, abort" choice and a "Yes…" choice needs a
second keypress, `y`, to confirm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from neontui.core.redact import redact


def _is_yes(choice: str) -> bool:
    return choice.strip().lower().startswith("yes")


if TYPE_CHECKING:
    from neontui.core.actions.events import Prompt


def _default_index(prompt: Prompt) -> int:
    """drizzle's default, except that a data-loss prompt starts on its "No…" choice."""
    if prompt.kind == "data-loss":
        for index, choice in enumerate(prompt.choices):
            if choice.strip().lower().startswith("no"):
                return index
    return prompt.selected if 0 <= prompt.selected < len(prompt.choices) else 0


class PromptDialog(ModalScreen[int | None]):
    """Answer a drizzle-kit `Prompt`: Enter picks the highlighted choice, 1–9 pick directly, Escape aborts."""

    DEFAULT_CSS = """
    PromptDialog {
        align: center middle;
        background: $background 60%;
    }
    PromptDialog > #dialog {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        border: thick $primary;
        background: $panel;
    }
    PromptDialog.-data-loss > #dialog {
        border: thick $error;
    }
    PromptDialog #context {
        color: $text-warning;
        margin-bottom: 1;
    }
    PromptDialog #question {
        text-style: bold;
        margin-bottom: 1;
    }
    PromptDialog OptionList {
        height: auto;
        max-height: 12;
    }
    PromptDialog #hint {
        color: $text-muted;
        margin-top: 1;
    }
    PromptDialog #hint.-confirm {
        color: $text-error;
        text-style: bold;
    }
    PromptDialog #buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: no focused widget may ever turn Escape into anything but abort
        Binding("escape", "abort", "Abort", priority=True, id="prompt.abort"),
        Binding("y", "confirm", "Confirm", show=False, id="prompt.confirm"),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)),
    ]

    def __init__(self, prompt: Prompt, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id, classes="-data-loss" if prompt.kind == "data-loss" else None)
        self.prompt = prompt
        self.default_index = _default_index(prompt)
        self.pending: int | None = None  # a "Yes…" choice of a data-loss prompt waiting for `y`

    @property
    def needs_confirmation(self) -> bool:
        return self.prompt.kind == "data-loss"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            if self.prompt.context:
                yield Static("\n".join(redact(line) for line in self.prompt.context), id="context", markup=False)
            yield Label(redact(self.prompt.question), id="question", markup=False)
            yield OptionList(*(Option(Content(f"{n}. {redact(choice)}"))
                               for n, choice in enumerate(self.prompt.choices, 1)), id="choices")
            yield Static(self._hint(), id="hint", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Abort", id="abort", variant="error")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.default_index
        options.focus()

    def _hint(self) -> str:
        keys = f"Enter: choose · 1–{min(9, len(self.prompt.choices))}: pick · Escape: abort drizzle-kit"
        if self.needs_confirmation:
            keys += " · a “Yes” answer needs y to confirm"
        return keys

    def _set_hint(self, text: str, confirm: bool) -> None:
        hint = self.query_one("#hint", Static)
        hint.update(text)
        hint.set_class(confirm, "-confirm")

    def choose(self, index: int) -> None:
        """Answer with `index`, unless it is a data-loss "Yes" not yet confirmed (then ask for `y`)."""
        if not 0 <= index < len(self.prompt.choices):
            self.app.bell()
            return
        if self.needs_confirmation and _is_yes(self.prompt.choices[index]):
            self.pending = index
            self.query_one(OptionList).highlighted = index
            self._set_hint(f"Press y to confirm: {redact(self.prompt.choices[index])} — any other choice cancels",
                           confirm=True)
            return
        self.dismiss(index)

    def action_pick(self, index: int) -> None:
        self.choose(index)

    def action_confirm(self) -> None:
        if self.pending is not None:
            self.dismiss(self.pending)

    def action_abort(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.pending is not None and event.option_index == self.pending:
            return  # Enter again is not the confirmation; only `y` is
        self.choose(event.option_index)

    @on(OptionList.OptionHighlighted, "#choices")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.pending is not None and event.option_index != self.pending:
            self.pending = None
            self._set_hint(self._hint(), confirm=False)

    @on(Button.Pressed, "#abort")
    def _abort_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
