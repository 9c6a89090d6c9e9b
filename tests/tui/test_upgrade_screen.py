"""The console's upgrade preview (key U): the same preview as `neontui upgrade`, against a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.upgrade import UpgradeScreen
from tests.factories import sql_project
from tests.helpers import SECRET, secret_url, settle
from tests.unit.drizzle.test_upgrade import ZERO, snapshot


def project(tmp_path: Path, database_url: str) -> Path:
    root = sql_project(tmp_path / "app", {"0000_init": b"CREATE TABLE a (id int);",
                                          "0001_more": b"CREATE TABLE b (id int);",
                                          "0002_loose": b"select 1;"}, database_url=database_url, applied=2)
    out = root / "drizzle"
    snapshot(out, "0000", "id-0", ZERO)
    snapshot(out, "0001", "id-1", "deleted-one")  # a broken parent: up refuses, --repair fixes it
    return root


def screen_text(app: NeontuiApp) -> str:
    return str(app.screen.query_one("#preview").render())


async def test_upgrade_key_shows_the_preview(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = project(tmp_path, database_url)
    app = NeontuiApp(Options(root, url=secret_url(database_url)))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("U")
        await settle(app, pilot)
        assert isinstance(app.screen, UpgradeScreen)
        screen = app.screen
        for _ in range(100):  # the preview loads in a daemon thread (it reads the database's ledger)
            if screen.report is not None:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        text = screen_text(app)
        assert "0000_init" in text and "19700101000001_init/" in text and "1000 ms lost" not in text
        assert "✗ missing-snapshot" in text and "0002_loose" in text  # 0002 has no snapshot file
        assert "✗ deleted-parent" in text and "0001_more" in text
        assert "project (" in text and "3 ledger row(s)" not in text and "2 ledger row(s), 2 mapped" in text
        assert SECRET not in app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, UpgradeScreen)
