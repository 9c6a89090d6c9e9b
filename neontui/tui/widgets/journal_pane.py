"""Every migration with its true state against the ledger, readable without colour."""

from __future__ import annotations

from collections import Counter

from textual.message import Message
from textual.widgets import DataTable

from neontui.core.display import STATE_SYMBOLS
from neontui.core.drizzle.journal import when_utc
from neontui.core.drizzle.status import MigrationStatus, State
from neontui.core.safety import Finding


class JournalPane(DataTable):
    """Rows: idx, tag, generated (UTC), state, findings. Highlighting a row asks the app to show its SQL."""

    DEFAULT_CSS = """
    JournalPane { height: 1fr; border: round $primary-darken-2; }
    JournalPane:focus { border: round $primary; }
    """
    BINDINGS = [("j", "cursor_down", "Down"), ("k", "cursor_up", "Up")]

    class Selected(Message):
        def __init__(self, tag: str | None) -> None:
            self.tag = tag
            super().__init__()

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.border_title = "Journal"
        self.add_columns("#", "tag", "state", "findings", "generated (UTC)")

    def show(self, migrations: list[MigrationStatus], findings: list[Finding]) -> None:
        per_tag = Counter(f.tag for f in findings if not f.suppressed)
        self.clear()
        for m in migrations:
            symbol, color = STATE_SYMBOLS[m.state]
            at = when_utc(m.when) if m.when else None
            when = at.strftime("%m-%d %H:%M") if at else str(m.when or "")
            state = f"[{color}]{symbol} {m.state}[/]"
            count = per_tag.get(m.tag or "", 0)
            self.add_row("" if m.idx is None else str(m.idx), m.tag or "(ledger row)", state,
                         str(count) if count else "", when, key=m.tag or f"ledger-{m.ledger_id}")
        pending = [i for i, m in enumerate(migrations) if m.state is State.PENDING]
        self.border_subtitle = f"{len(migrations)} migrations, {len(pending)} pending"
        if pending:  # open on what would run next
            self.move_cursor(row=pending[0])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key else None
        self.post_message(self.Selected(None if key is None or key.startswith("ledger-") else key))
