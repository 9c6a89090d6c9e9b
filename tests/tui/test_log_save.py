"""`s` in the log pane saves the log's whole text, redacted, to `<project>/.neontui/logs/console-<UTC stamp>.log`
and says where (issue 14: "save to a file")."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Log

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.log_pane import LogPane
from tests.factories import sql_project
from tests.helpers import SECRET, settle
from tests.tui.widgets.test_log_pane import settle as drain


async def test_s_saves_the_whole_redacted_log_into_the_project_and_says_where(tmp_path: Path, database_url: str):
    project = sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer);',
        "0001_add_email": b'ALTER TABLE "users" ADD COLUMN "email" text;'}, database_url=database_url, applied=1)
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # a real run's lines
        await settle(app, pilot)
        pane = app.query_one(LogPane)
        pane.post_lines([f"connecting to postgresql://app:{SECRET}@db.example.com/app", *(f"line {i}" for i in
                                                                                        range(500))])
        await drain(pilot, pane)
        app.screen.query_one(Log).focus()
        await pilot.press("s")
        await pilot.pause()
        shown = list(pane.log_widget.lines)
        notes = [n.message for n in app._notifications]
    saved = sorted((project / ".neontui" / "logs").glob("console-*.log"))
    assert len(saved) == 1 and re.fullmatch(r"console-\d{8}T\d{6}Z\.log", saved[0].name), saved
    assert str(saved[0]) in notes  # the notification names the file
    text = saved[0].read_text()
    assert SECRET not in text and "postgresql://app:****@db.example.com/app" in text
    assert text.splitlines() == shown  # the whole log, every line as shown (500 lines more than the pane shows)
    assert "── dry run ──" in text and "✓ dry run passed; everything was rolled back" in text
