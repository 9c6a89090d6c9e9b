"""The safety checklist as toggles, with progress and why actions are locked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from neontui.core.gate.checklist import Checklist


class ChecklistPane(Vertical):
    DEFAULT_CSS = """
    ChecklistPane { height: auto; max-height: 16; border: round $primary-darken-2; }
    ChecklistPane SelectionList { height: auto; max-height: 10; border: none; }
    ChecklistPane #lock { color: $warning; height: auto; }
    """

    class Toggled(Message):
        def __init__(self, item_id: str, checked: bool) -> None:
            self.item_id, self.checked = item_id, checked
            super().__init__()

    def compose(self) -> ComposeResult:
        yield SelectionList[str](id="items")
        yield Static("", id="lock")

    def on_mount(self) -> None:
        self.border_title = "Checklist"
        self._updating = False

    def show(self, checklist: Checklist, locked_reasons: list[str]) -> None:
        items = self.query_one("#items", SelectionList)
        self._updating = True
        items.clear_options()
        for item in checklist.items:
            label = item.label if item.can_check else f"✗ {item.label} (fix first)"
            items.add_option(Selection(label, item.id, item.checked, disabled=not item.can_check))
        self._updating = False
        done, total = checklist.progress
        self.border_subtitle = f"{done}/{total}"
        self.query_one("#lock", Static).update("\n".join(locked_reasons))

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        if not self._updating:
            value = event.selection.value
            self.post_message(self.Toggled(value, value in event.selection_list.selected))
