"""Problems that status reports are on the main screen, not only in the log: on a real project's shape with an
extra .sql file the journal does not list, a one-line banner says how many, the first, and the key for all (at
80×24 and 120×40, whole within the width); `e` or a click lists them; the unlisted file's row is reachable with its
state in words; and `neontui status` reports the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.dialogs import ErrorDialog
from neontui.tui.widgets.info import ProblemBanner
from neontui.tui.widgets.journal_pane import JournalPane
from tests.helpers import settle, status_json
from tests.tui.test_journal_layout import real_project, visible_rows  # noqa: F401  (this module's own project)

SIZES = [(80, 24), (120, 40)]
UNLISTED = "0300_hand_written_backfill_of_messenger_credentials"


@pytest.fixture(scope="module")
def unlisted_project(real_project: tuple[Path, str]) -> Iterator[tuple[Path, str]]:  # noqa: F811
    project, url = real_project
    (project / "drizzle" / f"{UNLISTED}.sql").write_text('UPDATE "t0001" SET "note" = \'x\';\n')
    yield project, url


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_banner_names_the_first_problem_and_the_key_for_all(unlisted_project, size):
    project, url = unlisted_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        banner = app.query_one(ProblemBanner)
        assert banner.display and banner.region.width == size[0]  # the whole width, above the panes
        line = banner.render_line(0).text.rstrip()
        assert len(line) <= size[0]
        assert line.startswith("✗ 1 problem: unlisted-file 0300_") and line.endswith("credentials — press e for all")
        assert banner.region.y < app.query_one(JournalPane).region.y
        for way in ("e", "click"):
            if way == "e":
                await pilot.press("e")
            else:
                await pilot.click(ProblemBanner)
            await pilot.pause()
            assert isinstance(app.screen, ErrorDialog), way
            assert f"{UNLISTED}.sql is not in meta/_journal.json: drizzle never runs it" in app.screen.message
            await pilot.press("escape")
            await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_unlisted_row_is_reachable_with_its_state(unlisted_project, size):
    project, url = unlisted_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        assert journal.row_count == 301 and "5 pending" in journal.border_subtitle
        assert sum("→ pending" in row for row in visible_rows(journal)) == 5  # the pending ones still in view
        journal.focus()
        await pilot.press("end")
        await pilot.pause()
        rows = visible_rows(journal)
        last = next(row for row in rows if row.lstrip().startswith("0300_"))
        assert "+ unlisted" in last, rows  # its state in words, whole, at 80 columns too
        assert all(row.rstrip().endswith(("(UTC)", "2024-10-26")) or "2024-" in row or row is last
                   for row in rows if row.strip())  # the state column did not push the date off


def test_neontui_status_reports_the_same_problem(unlisted_project, capsys):
    project, url = unlisted_project
    code, doc = status_json(project, capsys, "--url", url)
    assert code == doc["summary"]["exit_code"] == 2  # problems
    assert [(p["code"], p["tag"]) for p in doc["summary"]["problems"]] == [("unlisted-file", UNLISTED)]
    assert (UNLISTED, "unlisted-file") in [(m["tag"], m["state"]) for m in doc["migrations"]]


async def test_no_banner_without_problems(tmp_path, database_url, monkeypatch):
    from tests.factories import sql_project

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    project = sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" integer);'},
                          database_url=database_url)
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not app.query_one(ProblemBanner).display
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, ErrorDialog)
