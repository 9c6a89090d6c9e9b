"""The console's migration detail and what follows a migrate or dry run: a base class of the app, so app.py stays
the wiring of panes and workers.

- Enter on a journal row (DataTable.RowSelected) or `i` opens the migration's detail (tui/screens/migration.py).
- After a dry run its per-statement lines (locks, rewrites, rows: core/display.py dry_run_lines, what `neontui
  migrate --dry-run` prints) go to the log; after a failed run the journal cursor moves to the failed migration
  and the SQL pane keeps its failing line marked across the reload that follows (until the next run).
- Once a project is loaded, the log's `s` saves to its `.neontui/logs`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.widgets import DataTable

from neontui.tui.messages import Loaded
from neontui.tui.widgets.journal_pane import JournalPane, row_key
from neontui.tui.widgets.log_pane import LogPane
from neontui.tui.widgets.sql_pane import SqlPane

if TYPE_CHECKING:
    from neontui.core.actions.gate import Gate
    from neontui.core.actions.migrate import Outcome


class RunActions(App[int]):
    gate: Gate | None
    _failed_at: tuple[str, int] | None = None  # (tag, line) of the last run's failing statement

    # --- migration detail ------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#journal")
    def select_migration(self, event: DataTable.RowSelected) -> None:
        self._open_detail(event.row_key.value)

    def action_migration_detail(self) -> None:
        journal = self.query_one("#journal", JournalPane)
        if journal.row_count:
            self._open_detail(journal.coordinate_to_cell_key(journal.cursor_coordinate).row_key.value)

    def _open_detail(self, key: str | None) -> None:
        from neontui.tui.screens.migration import MigrationScreen

        if self.gate is None or key is None:
            return
        status = self.gate.pending.overview.status
        chosen = next((m for m in status.migrations if row_key(m) == key), None)
        if chosen is not None:
            self.push_screen(MigrationScreen(chosen, status.problems, status.would_run_next,
                                             self.gate.review.findings))

    # --- after a run -----------------------------------------------------------------------------------------

    def after_run(self, outcome: Outcome) -> None:
        """Before the run's result line: the dry run's statements in the log, and the journal on a failure."""
        from neontui.core.actions.events import MigrationFailed  # loaded already: the run used it
        from neontui.core.display import dry_run_lines

        if outcome.dry is not None and outcome.dry.statements:
            self.query_one("#log", LogPane).post_lines(dry_run_lines(outcome.dry))
        failure = outcome.failure
        self._failed_at = None
        if isinstance(failure, MigrationFailed) and failure.line:  # the failed statement's place in its file
            self._failed_at = (failure.tag, failure.line)
            self.query_one("#sql", SqlPane).highlight_error(*self._failed_at)
            journal = self.query_one("#journal", JournalPane)
            if failure.tag in journal.rows:  # the highlight shows its SQL; show_failed marks the line again
                journal.move_cursor(row=journal.get_row_index(failure.tag))

    @on(JournalPane.Selected)
    def show_failed(self, message: JournalPane.Selected) -> None:
        """After the app's show_migration (the SQL pane now shows the migration): mark the failing line again."""
        if self._failed_at is not None and message.tag == self._failed_at[0]:
            self.query_one("#sql", SqlPane).highlight_error(*self._failed_at)

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        """After the app's show_loaded: the log saves into the project, the failing line stays marked."""
        self.query_one("#log", LogPane).save_dir = message.gate.project.config.root / ".neontui" / "logs"
        if self._failed_at is not None:
            self.query_one("#sql", SqlPane).highlight_error(*self._failed_at)
