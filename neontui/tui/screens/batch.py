"""The pending batch at a glance (key p / F2): what the next migrate runs, as `neontui batch` prints it.

The on-call engineer's screen: where and which environment, how many migrations and statements, the live findings
by severity and the last rehearsal first; then every touched table with its live size, row estimate, the strongest
lock the batch takes on it and what that blocks, rewrite and new; then each migration's statements, findings and
rollback. Everything wraps at the screen's width and the whole scrolls, so nothing is cut at 80×24.

The live sizes are one catalog query, run in a daemon thread through core.actions.batch (an exit never waits for it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from neontui.core.display.batch import CANNOT_UNDO, batch_header, batch_migration_lines, table_lines
from neontui.core.errors import NeontuiError
from neontui.core.redact import redact
from neontui.tui.threads import in_daemon_thread

if TYPE_CHECKING:
    from neontui.core.actions.batch import Batch
    from neontui.core.actions.gate import Gate

HINT = "↑/↓ PgUp/PgDn scroll · Esc or q close · the same as `neontui batch`"


class BatchScreen(ModalScreen[None]):
    """The pending batch of the gate the console loaded, with the touched tables' sizes read live on opening."""

    DEFAULT_CSS = """
    BatchScreen { align: center middle; }
    BatchScreen > Vertical { width: 100%; height: 100%; border: thick $primary; background: $panel; }
    BatchScreen #title { text-style: bold; padding: 0 1; }
    BatchScreen VerticalScroll { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    BatchScreen .section { text-style: bold; margin-top: 1; }
    BatchScreen #hint { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [("escape", "close", "Close"), ("q", "close", "Close")]

    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate
        self.loaded: Batch | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Pending batch at a glance", id="title")
            with VerticalScroll(id="scroll"):
                yield Static("reading the touched tables' sizes…", id="header")
                yield Static("", id="tables-title", classes="section")
                yield Static("", id="tables")
                yield Static("", id="migrations-title", classes="section")
                yield Static("", id="migrations")
            yield Static(HINT, id="hint")

    def on_mount(self) -> None:
        self.query_one("#scroll", VerticalScroll).focus()
        self.load()

    @work(exclusive=True, group="batch", exit_on_error=False)
    async def load(self) -> None:
        try:
            batch = await in_daemon_thread(self._read, "neontui batch")
        except NeontuiError as exc:
            self.error = exc.one_line()
            self.query_one("#header", Static).update(Text(redact(f"✗ {self.error}"), style="red"))
            return
        self.loaded = batch
        self.show(batch)

    def _read(self) -> Batch:
        from neontui.core.actions.batch import show_batch

        return show_batch(self.gate)

    def show(self, batch: Batch) -> None:
        header = Text()
        for n, line in enumerate(batch_header(batch)):
            failed = line.startswith("last rehearsal: FAILED")
            header.append(("\n" if n else "") + redact(line), style="bold red" if failed else "bold" if n == 1 else "")
        if not batch.migrations:
            header.append("\nnothing pending")
        self.query_one("#header", Static).update(header)
        if not batch.migrations:
            return
        if batch.tables:
            self.query_one("#tables-title", Static).update("Touched tables (live size, planner's row estimate)")
            self.query_one("#tables", Static).update(TablesView(batch))
        self.query_one("#migrations-title", Static).update("Migrations, in run order")
        self.query_one("#migrations", Static).update(migrations_text(batch))

    def action_close(self) -> None:
        self.dismiss(None)


class TablesView:
    """The touched tables laid out for the width Textual gives (core.display.batch.table_lines): re-laid on resize, a
    row with a lock that stops reads and writes, or a rewrite, in red."""

    def __init__(self, batch: Batch) -> None:
        self.tables = batch.tables

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for n, (line, table) in enumerate(table_lines(self.tables, options.max_width)):
            danger = table is not None and (table.rewrite or (table.lock == "AccessExclusiveLock" and not table.new))
            yield Text(redact(line), style="bold" if n == 0 else "red" if danger else "", no_wrap=True)


def migrations_text(batch: Batch) -> Group:
    """One paragraph per line; a "cannot undo" reason is indented as a whole (its wrapped lines too)."""
    parts: list[Text | Padding] = []
    for line in batch_migration_lines(batch):
        if line.startswith(" "):  # a reason it cannot be undone, or a statement with its locks
            style = "yellow" if line.startswith(CANNOT_UNDO) else "dim"
            parts.append(Padding(Text(redact(line.strip()), style=style), (0, 0, 0, 4)))
        else:
            parts.append(Text(redact(line)))
    return Group(*parts)
