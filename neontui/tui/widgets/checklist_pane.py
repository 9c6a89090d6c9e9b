"""The safety checklist as toggles, with progress and why actions are locked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from neontui.core.display import evidence_line
from neontui.core.gate.checklist import Checklist, ChecklistItem, CheckRecord
from neontui.tui.screens.dialogs import ErrorDialog

# Plain-text toggles: a monochrome terminal, a screen reader or a copied screen tells them apart without colour.
CHECKED, UNCHECKED, BLOCKED = "[x]", "[ ]", "[!]"


def when_line(record: CheckRecord) -> str:
    """`by alice, 2026-12-01 12:00 UTC`: who checked it and when, in minutes (the stored value is ISO 8601)."""
    try:
        at = datetime.fromisoformat(record.at).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:  # a hand-edited state file: show what is stored
        at = record.at
    return f"by {record.by}, {at}"


def item_text(item: ChecklistItem, record: CheckRecord | None) -> tuple[str, Text]:
    """The toggle, and the whole label then who/when and the evidence when checked."""
    toggle = BLOCKED if not item.can_check else CHECKED if item.checked else UNCHECKED
    text = Text(item.label if item.can_check else f"{item.label} (fix first)")
    if item.checked and record is not None:
        text.append(f"\n{when_line(record)}", style="dim")
        if record.evidence:
            text.append(f"\n{evidence_line(record.evidence)}", style="dim")
    return toggle, text


def item_prompt(item: ChecklistItem, record: CheckRecord | None) -> Table:
    """One option as a two-column grid, so that a long label wraps under itself (never cut) past its toggle."""
    toggle, text = item_text(item, record)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=len(toggle), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(toggle), text)  # Text: "[x]" as a string would be read as markup and vanish
    return grid


def lock_summary(reasons: Sequence[str]) -> str:
    """The first reason without its parenthesised detail (the checklist above lists the items), and how many more."""
    head = reasons[0].split(" (", 1)[0]
    return head + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else "")


class ChecklistItems(OptionList):
    """The items: Space, Enter or a click toggles the highlighted one; a rebuild keeps the highlight on its item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Toggle"),
        Binding("enter", "select", "Toggle", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item_ids: list[str] = []
        self.checked_ids: list[str] = []

    @property
    def selected(self) -> list[str]:
        """The checked items' ids (what SelectionList.selected gave, for callers and tests)."""
        return list(self.checked_ids)

    def rebuild(self, checklist: Checklist) -> None:
        """Replace the options and put the highlight back on the item it was on (else on the first usable one)."""
        previous = self.highlighted_id
        checks = checklist.checks
        items = checklist.items
        self.clear_options()
        self.add_options([Option(item_prompt(i, checks.get(i.id)), id=i.id, disabled=not i.can_check) for i in items])
        self.item_ids = [i.id for i in items]
        self.checked_ids = [i.id for i in items if i.checked]
        usable = [n for n, i in enumerate(items) if i.can_check]
        if previous in self.item_ids and items[self.item_ids.index(previous)].can_check:
            self.highlighted = self.item_ids.index(previous)
        elif usable:  # so that the first Space toggles the first item
            self.highlighted = usable[0]

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= len(self.item_ids):
            return None
        return self.item_ids[self.highlighted]


class LockLine(Static):
    """Why migrate is locked, in one line; clicked (or `w` in the pane) every reason in full, in a dialog (a long
    list would not fit under the checklist at 80×24)."""

    DEFAULT_CSS = """
    LockLine { dock: bottom; color: $warning; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.reasons: list[str] = []

    def show(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        self.display = bool(self.reasons)
        self.refresh_text()

    def refresh_text(self) -> None:
        self.update(Text(lock_summary(self.reasons) if self.reasons else ""))  # as written, never parsed as markup

    def show_all(self) -> None:
        if self.reasons:
            self.app.push_screen(ErrorDialog("Why migrate is locked\n\n" + "\n".join(f"• {r}" for r in self.reasons)))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.show_all()


class ChecklistPane(Vertical):
    """The checklist: toggles in plain text, who checked each item and when (and what proved it), and the lock."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("w", "why_locked", "Why locked")]

    DEFAULT_CSS = """
    /* at most half the column: on a short terminal the journal keeps the rows for the pending migrations */
    ChecklistPane { height: auto; max-height: 50%; border: round $primary-darken-2; }
    ChecklistPane ChecklistItems { height: auto; max-height: 1fr; border: none; padding: 0; }
    ChecklistPane ChecklistItems:focus { border: none; }
    """

    class Toggled(Message):
        def __init__(self, item_id: str, checked: bool) -> None:
            self.item_id, self.checked = item_id, checked
            super().__init__()

    def compose(self) -> ComposeResult:
        yield ChecklistItems(id="items")
        yield LockLine(id="lock")

    def on_mount(self) -> None:
        self.border_title = "Checklist"

    def show(self, checklist: Checklist, locked_reasons: Sequence[str]) -> None:
        self.query_one(ChecklistItems).rebuild(checklist)
        self.query_one(LockLine).show(locked_reasons)
        done, total = checklist.progress
        self.border_subtitle = f"{done}/{total}" + (" · w: why locked" if locked_reasons else "")

    def action_why_locked(self) -> None:
        self.query_one(LockLine).show_all()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        items = self.query_one(ChecklistItems)
        item_id = event.option.id
        if item_id is not None:  # the new state is the opposite of the shown one
            self.post_message(self.Toggled(item_id, item_id not in items.checked_ids))
