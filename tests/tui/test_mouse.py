"""The mouse on the main screen of a real project's shape, at 80×24 and 120×40: a click on a journal row selects it
(the SQL pane shows that migration), the wheel scrolls the journal, a click on a checklist toggle checks it (and a
second click unchecks it)."""

from __future__ import annotations

import pytest
from textual.events import MouseScrollDown, MouseScrollUp
from textual.pilot import Pilot

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.checklist_pane import ChecklistItems
from neontui.tui.widgets.journal_pane import JournalPane
from neontui.tui.widgets.sql_pane import SqlPane
from tests.helpers import settle
from tests.tui.test_journal_layout import cursor_tag, real_project, visible_rows  # noqa: F401

SIZES = [(80, 24), (120, 40)]


async def wheel(pilot: Pilot[object], widget: JournalPane, down: bool, times: int) -> None:
    """Turn the mouse wheel over `widget` (Pilot has click and hover but no wheel: its own event path)."""
    for _ in range(times):
        await pilot._post_mouse_events([MouseScrollDown if down else MouseScrollUp], widget, offset=(10, 5))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_click_on_a_journal_row_shows_its_sql(real_project, size):  # noqa: F811
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        rows = visible_rows(journal)  # header first
        y = next(n for n, row in enumerate(rows) if row.startswith("290 "))  # an applied migration, on screen
        assert await pilot.click(JournalPane, offset=(6, 1 + y))  # 1: the border
        await pilot.pause()
        assert cursor_tag(journal).startswith("0290_")
        assert [m.tag for m in app.query_one(SqlPane).migrations] == [cursor_tag(journal)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_wheel_scrolls_the_journal(real_project, size):  # noqa: F811
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        bottom = journal.scroll_y
        assert bottom == journal.max_scroll_y  # opened on the pending migrations, at the end
        await wheel(pilot, journal, down=False, times=5)
        await pilot.pause()
        assert journal.scroll_y < bottom
        first = visible_rows(journal)[1]
        assert not first.startswith(str(int(bottom)))  # other rows are on screen now
        await wheel(pilot, journal, down=True, times=20)
        await pilot.pause()
        assert journal.scroll_y == bottom


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_click_on_a_toggle_checks_it(real_project, size, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        items = app.query_one(ChecklistItems)
        second = items.item_ids[1]
        assert second not in items.selected
        row = 1  # item 1 is one line at both sizes: item 2 is the second row
        for expected in (True, False):  # checks it, then unchecks it
            assert await pilot.click(ChecklistItems, offset=(1, row))
            await settle(app, pilot)
            assert (second in items.selected) is expected
            assert (second in app.gate.checklist.checks) is expected  # what the gate (and migrate) sees
            assert items.render_line(row).text.startswith("[x] " if expected else "[ ] ")  # what the user reads
