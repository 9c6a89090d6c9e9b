"""What the console's layout follows from the app's state: the log grows while a run is under way, and the
problems that status reports open in full from the banner (a click) or `p`."""

from __future__ import annotations

from textual import on
from textual.app import App

from neontui.tui.keymap import ACTIONS, keys_display
from neontui.tui.screens.dialogs import ErrorDialog
from neontui.tui.widgets.info import ProblemBanner


class LayoutActions(App[int]):
    _run_under_way = False

    @property
    def running(self) -> bool:
        """A run (migrate, dry run, generate, rehearse, backup …) is under way: one at a time."""
        return self._run_under_way

    @running.setter
    def running(self, value: bool) -> None:
        # Workers set it from their threads too: the class change (the CSS `NeontuiApp.-running` gives the log
        # the room) goes through the message queue, which is thread-safe.
        if value != self._run_under_way:
            self._run_under_way = value
            self.call_later(self.set_class, value, "-running")

    def key_for(self, action: str) -> str:
        """The key that runs `action` now, as people type it (a [keys] remap included)."""
        for active in self.screen.active_bindings.values():
            if active.binding.action == action:
                return self.get_key_display(active.binding)
        return next((keys_display(a.keys) for a in ACTIONS if a.id == action), action)

    def action_problems(self) -> None:
        banner = self.query_one("#problems", ProblemBanner)
        if banner.problems:
            self.push_screen(ErrorDialog(f"{len(banner.problems)} problem(s) reported by status\n\n"
                                         + banner.all_text()))
        else:
            self.notify("status reports no problems", title="Problems")

    @on(ProblemBanner.Opened)
    def open_problems(self) -> None:
        self.action_problems()
