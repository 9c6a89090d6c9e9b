"""The journal on a real project's shape (300 migrations, long tags, 5 pending) at 80×24 and 120×40: every pending
migration on screen with its state in words, its findings count and a whole date; End goes to the last row; a
reload keeps the cursor on its migration. The project and its database are made once for the module."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from neontui.core.db.url import with_database
from neontui.core.display import shorten_middle
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.journal_pane import JournalPane
from tests.factories import long_tag_project
from tests.helpers import settle

SIZES = [(80, 24), (120, 40)]
PENDING = [f"{i:04d}" for i in range(295, 300)]


@pytest.fixture(scope="module")
def real_project(tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str) -> Iterator[tuple[Path, str]]:
    name = f"neontui_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(pg_admin_url, name)
    yield long_tag_project(tmp_path_factory.mktemp("real") / "app", url), url
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def visible_rows(journal: JournalPane) -> list[str]:
    """The journal's rows as the user reads them (its visible region, header first)."""
    return [journal.render_line(y).text for y in range(journal.scrollable_content_region.height)]


def cursor_tag(journal: JournalPane) -> str | None:
    return journal.coordinate_to_cell_key(journal.cursor_coordinate).row_key.value


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_pending_migration_is_on_screen_with_its_state_findings_and_date(real_project, size):
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        rows = visible_rows(journal)
        assert journal.row_count == 300 and "300 migrations, 5 pending" in journal.border_subtitle
        header = rows[0]
        assert all(word in header for word in ("#", "tag", "state", "find", "date"))
        for idx in PENDING:
            row = next((r for r in rows if r.startswith(str(int(idx)))), None)
            assert row is not None, f"{idx} not on screen:\n" + "\n".join(rows)
            assert re.search(rf"{idx}_\S*…\S* +→ pending +0 +2024-10-\d\d", row), row
        applied = [r for r in rows[1:] if "applied" in r]
        assert applied and all(re.search(r"✓ applied +\d+ +2024-\d\d-\d\d", r) for r in applied)
        assert cursor_tag(journal).startswith("0295_")  # what would run next


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_end_goes_to_the_last_row_and_a_reload_keeps_the_cursor(real_project, size):
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        journal.focus()
        await pilot.press("end")
        assert journal.cursor_row == 299 and journal.scroll_x == 0
        await pilot.press("home")
        assert journal.cursor_row == 0
        for _ in range(7):
            await pilot.press("j")
        before = cursor_tag(journal)
        assert before is not None and before.startswith("0007_")
        await pilot.press("r")
        await settle(app, pilot)
        assert cursor_tag(journal) == before
        assert any(r.startswith("7 ") for r in visible_rows(journal))


def test_a_tag_is_shortened_in_the_middle_to_its_width():
    tag = "0123_resource_permissions_and_messenger_credentials"
    assert shorten_middle(tag, len(tag)) == tag
    assert shorten_middle(tag, 15) == "0123_re…entials" and len(shorten_middle(tag, 15)) == 15
    assert shorten_middle(tag, 1) == "…" and shorten_middle(tag, 0) == ""
