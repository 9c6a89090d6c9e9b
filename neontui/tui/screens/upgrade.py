"""The drizzle 1.0 upgrade preview (`neontui upgrade`'s text): folders, what `up` refuses, the databases' mapping.

Read only: the preview is loaded in a daemon thread (it may connect to every configured database) and shown as the
CLI prints it; applying stays on the command line (`neontui upgrade --apply`), where its output can be kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from neontui.core.errors import NeontuiError
from neontui.core.redact import redact
from neontui.tui.threads import in_daemon_thread

if TYPE_CHECKING:
    from neontui.core.actions.upgrade import UpgradeReport
    from neontui.core.drizzle.project import Project

HINT = "Apply on the command line: neontui upgrade --apply (add --repair to rewrite broken snapshots first)"


class UpgradeScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    UpgradeScreen { align: center middle; }
    UpgradeScreen > Vertical { width: 95%; height: 90%; border: thick $primary; background: $panel; padding: 0 1; }
    UpgradeScreen #title { text-style: bold; }
    UpgradeScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = [("escape", "close", "Close"), ("q", "close", "Close")]

    def __init__(self, load_project: Callable[[], Project]) -> None:
        super().__init__()
        self.load_project = load_project
        self.report: UpgradeReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("drizzle 1.0 upgrade preview", id="title")
            with VerticalScroll():
                yield Static("reading the migrations folder and the configured databases…", id="preview")
            yield Static(HINT, id="hint")
            yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="upgrade-preview", exit_on_error=False)
    async def load(self) -> None:
        try:
            report = await in_daemon_thread(self._preview, "neontui upgrade preview")
        except NeontuiError as exc:
            self.query_one("#preview", Static).update(Text(redact(f"✗ {exc.one_line()}"), style="red"))
            return
        self.report = report
        self.query_one("#preview", Static).update(render(report))

    def _preview(self) -> UpgradeReport:
        from neontui.core.actions.upgrade import preview_upgrade

        return preview_upgrade(self.load_project())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def render(report: UpgradeReport) -> Text:
    from neontui.core.actions.upgrade import report_lines

    text = Text()
    for line in report_lines(report):
        style = "red" if line.startswith("  ✗") else "yellow" if line.startswith("  !") else ""
        text.append(redact(line) + "\n", style=style)
    return text
