"""The checklist pane as a user reads and uses it (issue 14): toggles that differ without colour, Space toggles the
highlighted item and the highlight survives the rebuild, who/when and a rehearsal's evidence on checked items,
whole labels, and the production lock in one line with the rest on demand; at 80×24 and 120×40."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from neontui.core.display import evidence_line
from neontui.core.gate.checklist import SEED_ITEMS, TESTED_ID, operator
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.dialogs import ErrorDialog
from neontui.tui.widgets.checklist_pane import ChecklistItems, LockLine
from tests.db.guarantees.test_gate import production_project
from tests.factories import sql_project
from tests.helpers import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
REHEARSED = {"at": "2026-12-01T12:00:00+00:00", "where": "a copy of app_db (masked)", "kind": "copy",
             "result": "ok", "migrations": ["0001_orders"]}


@pytest.fixture
def project(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer);',
        "0001_more": b'CREATE TABLE "orders" ("id" integer);',
    }, database_url=database_url, applied=1)


def visible(widget: Widget) -> list[str]:
    """The widget's lines as the terminal shows them, without colour or style."""
    width, height = widget.outer_size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def items_text(items: ChecklistItems) -> str:
    """The checklist as read on screen, a wrapped label joined back into one line."""
    return " ".join(" ".join(visible(items)).split())


async def open_checklist(app: NeontuiApp, pilot) -> ChecklistItems:
    await settle(app, pilot)
    items = app.query_one(ChecklistItems)
    items.focus()
    await pilot.pause()
    return items


@pytest.mark.parametrize("size", SIZES)
async def test_toggles_read_without_colour_and_space_toggles_the_highlighted_item(project, database_url, size):
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        items = await open_checklist(app, pilot)
        first, second = SEED_ITEMS[0][0], SEED_ITEMS[1][0]
        shown = "\n".join(visible(items))
        assert "[ ] Migration SQL" in shown and "[x]" not in shown  # nothing checked: every toggle reads "[ ]"

        await pilot.press("space")  # the first Space toggles the highlighted (first) item
        await pilot.pause()
        assert items.selected == [first]
        shown = items_text(items)
        assert "[x] Migration SQL reviewed for correctness" in shown
        assert "[ ] No destructive change without a backup" in shown
        assert items.highlighted_id == first  # the rebuild kept the highlight

        await pilot.press("down", "space")  # the second item, not the first again
        await pilot.pause()
        assert items.selected == [first, second]
        assert items.highlighted_id == second

        await pilot.press("space")  # and unchecks it again, still in place
        await pilot.pause()
        assert items.selected == [first] and items.highlighted_id == second
        assert app.gate is not None and set(app.gate.checklist.checks) == {first}  # saved through the gate


@pytest.mark.parametrize("size", SIZES)
async def test_a_checked_item_says_who_and_when_and_labels_are_whole(project, database_url, size):
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        items = await open_checklist(app, pilot)
        await pilot.press("space")
        await pilot.pause()
        shown = visible(items)
        assert not any("…" in line for line in shown), shown  # labels wrap, never cut
        who = f"by {operator()}, "
        assert any(line.strip().startswith(who) and line.rstrip().endswith(" UTC") for line in shown), shown
        # Every label can be read whole on screen (wrapped lines joined back).
        joined = items_text(items)
        for _, label, _ in SEED_ITEMS:
            assert label in joined, (label, shown)


@pytest.mark.parametrize("size", SIZES)
async def test_a_click_toggles_an_item(project, database_url, size):
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        items = await open_checklist(app, pilot)
        await pilot.click(ChecklistItems, offset=(2, 0))  # on the first toggle
        await pilot.pause()
        assert items.selected == [SEED_ITEMS[0][0]]


@pytest.mark.parametrize("size", SIZES)
async def test_a_rehearsed_item_shows_its_evidence(project, database_url, size):
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        items = await open_checklist(app, pilot)
        assert app.gate is not None
        app.gate.checklist.record_rehearsal(REHEARSED, ok=True)
        assert app.gate.save()
        await pilot.press("r")  # reload: the checklist is read back from its store
        await settle(app, pilot)
        assert TESTED_ID in items.selected
        shown = items_text(items)
        assert "[x] Tested in development by neontui rehearse, " in shown  # stamped when it was recorded
        assert evidence_line({**REHEARSED, "ok": True}) in shown  # whole, wrapped if it must


@pytest.mark.parametrize("size", SIZES)
async def test_the_production_lock_is_one_line_with_the_rest_on_demand(tmp_path, database_url, monkeypatch, size):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("NEONTUI_ENV", raising=False)
    root = production_project(tmp_path, database_url)
    app = NeontuiApp(Options(root))
    async with app.run_test(size=size) as pilot:
        await open_checklist(app, pilot)
        lock = app.query_one(LockLine)
        lines = [line for line in visible(lock) if line.strip()]
        assert len(lines) == 1, lines
        assert lines[0].startswith("migrate locked: ")
        pane = app.query_one("#checklist")
        assert lock.region.height == 1 and pane.region.contains_region(lock.region)  # on screen, under the items
        assert "w: why locked" in app.query_one("#checklist").border_subtitle
        for way in ("w", "click"):  # the rest on demand: every reason in full
            if way == "w":
                await pilot.press("w")
            else:
                await pilot.click(LockLine)
            await pilot.pause()
            assert isinstance(app.screen, ErrorDialog), way
            full = " ".join(line.strip() for line in visible(app.screen.query_one(Static)))
            assert "Why migrate is locked" in full
            assert "checklist items unchecked (Migration SQL reviewed for correctness," in full, full
            await pilot.press("escape")
            await pilot.pause()
