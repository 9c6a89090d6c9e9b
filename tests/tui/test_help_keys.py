"""The help screen and the footer show keys as people type them, and `?` explains the panes' keys too (read from
the widgets' own BINDINGS), at 80×24 and 120×40, against the real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.keymap import key_display, keys_display
from tests.factories import sql_project
from tests.helpers import settle


@pytest.mark.parametrize(("key", "shown"), [
    ("question_mark", "?"), ("f1", "F1"), ("ctrl+q", "Ctrl+Q"), ("ctrl+p", "Ctrl+P"), ("shift+tab", "Shift+Tab"),
    ("C", "C"), ("q", "q"), ("slash", "/"), ("shift+f8", "Shift+F8"), ("escape", "Esc"), ("space", "Space"),
    ("pagedown", "PgDn"), ("end", "End")])
def test_a_key_name_is_shown_as_people_type_it(key, shown):
    assert key_display(key) == shown


def test_a_bindings_keys_are_listed_together():
    assert keys_display("question_mark,f1") == "? / F1"


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Path:
    return sql_project(tmp_path / "app", {"0000_init": b'CREATE TABLE "users" ("id" integer);'},
                       database_url=database_url)


def help_screen_text(app: NeontuiApp) -> str:
    from textual.widgets import Static

    return "\n".join(str(s.render()) for s in app.screen.query(Static))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_lists_application_and_pane_keys_as_typed(project, database_url, monkeypatch, tmp_path, size):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert "Ctrl+Q" in app.export_screenshot() or size[0] < 120  # the footer: as typed, not "^q"
        await pilot.press("question_mark")
        await pilot.pause()
        text = help_screen_text(app)
        assert "question_mark" not in text and "f1" not in text
        for row in ("? / F1", "q / Ctrl+Q", "m / F6", "Tab", "Shift+Tab", "Ctrl+P", "Space", "Toggle",
                    "n / F8", "Next finding", "N / Shift+F8", "Enter", "Home", "End", "Save log", "/"):
            assert row in text, row
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]  # closed again
