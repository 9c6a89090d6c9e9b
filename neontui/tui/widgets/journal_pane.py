"""Every migration with its true state against the ledger, readable without colour."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from neontui.core.display import STATE_SYMBOLS, shorten_middle
from neontui.core.drizzle.journal import when_utc
from neontui.core.drizzle.status import MigrationStatus, State
from neontui.core.safety.model import Finding

# Column headers; the tag column takes what the others leave (its full name is in the SQL pane's title).
HEADERS = ("#", "tag", "state", "find", "date (UTC)")
GAP = 1  # spaces after each column but the last (cell_padding is 0 so that no column pays for two)
MIN_TAG = 8
# The state column's words where the state's name is long ("unlisted-file" would take the tag's room at 80
# columns); the migration detail (`i`) and `neontui status` say the full name.
COLUMN_WORDS = {"unlisted-file": "unlisted", "missing-file": "missing"}


class JournalPane(DataTable):
    """Rows: idx, tag (shortened in the middle to fit), state (symbol and word), live findings, generated date.

    It opens with every pending migration on screen and the cursor on the first; a reload keeps the cursor on
    the same migration. Highlighting a row asks the app to show its SQL.
    """

    DEFAULT_CSS = """
    JournalPane { height: 1fr; border: round $primary-darken-2; scrollbar-size-vertical: 1; overflow-x: hidden; }
    JournalPane:focus { border: round $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # j/k are in help, not the footer: its width goes to the actions (Batch, Help) at 120 columns.
        Binding("j", "cursor_down", "Down", show=False), Binding("k", "cursor_up", "Up", show=False),
        # DataTable's home/end scroll sideways in a row cursor; here they go to the first and last migration.
        Binding("home", "scroll_top", "First", show=False), Binding("end", "scroll_bottom", "Last", show=False),
    ]

    class Selected(Message):
        def __init__(self, tag: str | None) -> None:
            self.tag = tag
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self._migrations: list[MigrationStatus] = []
        self._per_tag: Counter[str] = Counter()
        self._widths: tuple[int, ...] = ()
        self._pending_span: tuple[int, int] | None = None  # first and last pending row, shown on opening

    def on_mount(self) -> None:
        self.border_title = "Journal"

    def show(self, migrations: list[MigrationStatus], findings: list[Finding]) -> None:
        """Show a (re)load: the cursor stays on the migration it was on, else opens on the first pending one."""
        self._migrations = list(migrations)
        self._per_tag = Counter(f.tag for f in findings if not f.suppressed)
        pending = [i for i, m in enumerate(migrations) if m.state is State.PENDING]
        self.border_subtitle = f"{len(migrations)} migrations, {len(pending)} pending"
        self._rebuild(first_load=True)

    def on_resize(self, _event: Resize) -> None:
        if self._migrations and self._column_widths() != self._widths:
            self._rebuild(first_load=False)
        span = self._pending_span
        # The panes below fill in after the journal and take some of its height: show the pending rows again,
        # unless the user has moved on.
        if span is not None and self.cursor_row == span[0]:
            self.call_after_refresh(self._scroll_to_rows, *span)

    def _rebuild(self, *, first_load: bool) -> None:
        keep = self._cursor_key()
        self._widths = widths = self._column_widths()
        self.clear(columns=True)
        for header, width, last in zip(HEADERS, widths, (False, False, False, False, True), strict=True):
            self.add_column(header, width=width + (0 if last else GAP), key=header)
        for m in self._migrations:
            self.add_row(*self._cells(m, widths), key=row_key(m))
        keys = [row_key(m) for m in self._migrations]
        if keep in keys:
            self.move_cursor(row=keys.index(keep))
        elif first_load:
            self._open_on_pending()

    def _open_on_pending(self) -> None:
        pending = [i for i, m in enumerate(self._migrations) if m.state is State.PENDING]
        self._pending_span = None
        if not pending:
            return
        self.move_cursor(row=pending[0], scroll=False)
        self._pending_span = (pending[0], pending[-1])
        # All of them on screen, the last at the bottom (the applied ones above give context); the first at the
        # top when they do not all fit.
        self.call_after_refresh(self._scroll_to_rows, pending[0], pending[-1])

    def _scroll_to_rows(self, first: int, last: int) -> None:
        visible = max(1, self.scrollable_content_region.height - self.header_height)
        self.scroll_to(y=min(first, max(0, last - visible + 1)), animate=False, force=True)

    def _cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # the cursor is outside the table (e.g. after a clear); nothing to keep
            return None

    def _column_widths(self) -> tuple[int, ...]:
        ms = self._migrations
        idx = max([len(HEADERS[0]), *(len(str(m.idx)) for m in ms if m.idx is not None)])
        state = max([len(HEADERS[2]), *(len(state_text(m.state)) for m in ms)])
        count = max([len(HEADERS[3]), *(len(str(n)) for n in self._per_tag.values())])
        date = len("2024-01-31")
        room = self.size.width - 1 - (idx + state + count + date + 4 * GAP)  # 1: the vertical scrollbar
        longest = max([len(HEADERS[1]), *(len(m.tag or "(ledger row)") for m in ms)])
        if room - longest >= len(" 09:00"):  # wide enough for every tag whole: the time too
            return idx, longest, state, count, date + len(" 09:00")
        return idx, max(MIN_TAG, room), state, count, date

    def _cells(self, m: MigrationStatus, widths: Sequence[int]) -> tuple[str, ...]:
        color = STATE_SYMBOLS[m.state][1]
        at = when_utc(m.when) if m.when else None
        when = at.strftime("%Y-%m-%d %H:%M")[:widths[4]] if at else str(m.when or "")
        count = self._per_tag.get(m.tag or "", 0)
        return ("" if m.idx is None else str(m.idx), shorten_middle(m.tag or "(ledger row)", widths[1]),
                f"[{color}]{state_text(m.state)}[/]", str(count) if m.tag else "", when)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key else None
        self.post_message(self.Selected(None if key is None or key.startswith("ledger-") else key))


def state_text(state: State) -> str:
    """"→ pending": the symbol and the word, so that the state reads without colour and without a legend."""
    return f"{STATE_SYMBOLS[state][0]} {COLUMN_WORDS.get(state, state)}"


def row_key(m: MigrationStatus) -> str:
    return m.tag or f"ledger-{m.ledger_id}"
