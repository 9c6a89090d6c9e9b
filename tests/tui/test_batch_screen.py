"""The pending batch at a glance in the console (key p): at 80×24 and 120×40 the header, every touched table with
its size, rows, lock and what it blocks, and each migration's rollback read whole; Esc closes; on a 300-migration
project with long tags every pending migration is listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.batch import BatchScreen
from tests.db.test_batch import ROWS, seeded
from tests.helpers import SECRET, secret_url, settle
from tests.tui.test_journal_layout import PENDING, real_project  # noqa: F401 (the module-scoped 300-migration project)

SIZES = [(80, 24), (120, 40)]


def lines(widget: Widget) -> list[str]:
    """A widget's whole content as laid out on screen (the screen scrolls to the rest)."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def open_batch(app: NeontuiApp, pilot) -> BatchScreen:
    await settle(app, pilot)
    await pilot.press("p")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, BatchScreen)
    for _ in range(200):  # the sizes are read in a daemon thread
        if screen.loaded is not None or screen.error is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    assert screen.error is None, screen.error
    return screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_p_shows_the_tables_locks_and_rollback_readably(tmp_path: Path, database_url: str, size,
                                                              monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    project = seeded(tmp_path / "app", database_url)
    app = NeontuiApp(Options(project, url=secret_url(database_url)))
    async with app.run_test(size=size) as pilot:
        screen = await open_batch(app, pilot)
        header = lines(screen.query_one("#header"))
        assert "3 migrations · 6 statements (1 outside a transaction)" in " ".join(header)
        assert any(line.startswith("last rehearsal: none of this batch") for line in header)
        tables = lines(screen.query_one("#tables"))
        width = screen.query_one("#tables").size.width
        assert all(len(line) <= width for line in tables)
        orders = next(i for i, line in enumerate(tables) if line.startswith("public.orders"))
        row = " ".join(tables[orders:orders + 3])  # its row, and "blocks" under it on a narrow screen
        assert f"{ROWS:,}" in row and "ACCESS EXCLUSIVE" in row and "reads and writes" in row
        assert next(line for line in tables if line.startswith("public.audit")).split()[-2:] == ["no", "yes"]
        idle = " ".join(tables[next(i for i, line in enumerate(tables) if line.startswith("public.idle")):][:2])
        assert "unknown" in idle and "SHARE" in idle and "writes (reads go on)" in idle
        migrations = " ".join(" ".join(lines(screen.query_one("#migrations"))).split())
        assert "0001_change: 4 statements" in migrations and "rollback: partial" in migrations
        assert "cannot undo: DROP COLUMN" in migrations and "0002_drop: 1 statement" in migrations
        assert SECRET not in app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BatchScreen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_pending_migration_of_a_long_project_is_listed(real_project, size):  # noqa: F811
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        screen = await open_batch(app, pilot)
        assert "5 migrations · 5 statements" in " ".join(lines(screen.query_one("#header")))
        migrations = lines(screen.query_one("#migrations"))
        for idx in PENDING:
            line = next((line for line in migrations if line.startswith(f"{idx}_")), None)
            assert line is not None, "\n".join(migrations)
            assert line.split(":")[0].endswith(("_invoices", "_trail", "_members", "_permissions", "_credentials"))
        tables = lines(screen.query_one("#tables"))
        assert [line.split()[0] for line in tables[1:]] == [f"public.t{idx}" for idx in PENDING]
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, BatchScreen)
