"""The finding box on a real finding with a long help and safe alternative (a volatile default, an index built
without CONCURRENTLY) at 80×24, 120×40 and 200×60: as tall as its text up to a third of the right column, the
rest a scroll away (and said so), every word reachable; the log below keeps at least five rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.info import FindingBox, FindingDetail
from neontui.tui.widgets.sql_pane import SqlPane
from tests.factories import sql_project
from tests.helpers import settle
from tests.tui.test_layout_sizes import screen_text

B = "--> statement-breakpoint\n"
SIZES = [(80, 24), (120, 40), (200, 60)]


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "email" text);',
        "0001_ids": f'ALTER TABLE "users" ADD COLUMN "uid" uuid DEFAULT gen_random_uuid() NOT NULL;{B}'
                    'CREATE INDEX "users_email_idx" ON "users" ("email");'.encode(),
    }, database_url=database_url, applied=1)


def box_lines(app: NeontuiApp) -> str:
    """What the box shows on screen now, joined (the text wraps, so words are compared without the breaks)."""
    box = app.query_one(FindingBox)
    region = box.content_region
    rows = screen_text(app)[region.y:region.bottom]
    return " ".join(row[region.x:region.right].strip() for row in rows)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_box_fits_its_text_up_to_a_third_and_scrolls_to_the_end(project, database_url, monkeypatch,
                                                                         tmp_path, size):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        sql = app.query_one(SqlPane)
        sql.focus()
        await pilot.press("n")
        await pilot.pause()
        finding = sql.selected_finding
        assert finding is not None and finding.rule == "add-column-volatile-default" and finding.suggestion
        box, right = app.query_one(FindingBox), app.query_one("#right")
        assert box.display and box.outer_size.height <= right.size.height // 3 + 1
        assert app.query_one("#log").log_widget.size.height >= 5  # the log keeps its rows under a tall box
        detail = words(str(app.query_one(FindingDetail).render()))
        assert words(f"help: {finding.help}") in detail
        last = finding.suggestion.splitlines()[-1].strip()
        assert words(last) in detail
        shown = words(box_lines(app))
        if box.max_scroll_y:  # taller than a third: the rest is a scroll away, and the border says how much
            assert "more line" in box.border_subtitle
            assert words(last) not in shown
            box.focus()
            await pilot.press("end")
            await pilot.pause()
            assert words(last) in words(box_lines(app)) and not box.border_subtitle
        else:
            assert words(last) in shown and not box.border_subtitle
        assert not box.show_horizontal_scrollbar and not box.allow_horizontal_scroll  # the text wraps


async def test_the_whole_finding_is_on_screen_when_there_is_room(project, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        sql = app.query_one(SqlPane)
        sql.focus()
        await pilot.press("n", "n")  # the second finding: the index built without CONCURRENTLY
        await pilot.pause()
        finding = sql.selected_finding
        assert finding is not None and "CONCURRENTLY" in (finding.suggestion or "")
        box = app.query_one(FindingBox)
        assert box.max_scroll_y == 0 and not box.border_subtitle
        shown = words(box_lines(app))
        assert words(f"help: {finding.help}") in shown
        assert all(words(line) in shown for line in finding.suggestion.splitlines() if line.strip())
