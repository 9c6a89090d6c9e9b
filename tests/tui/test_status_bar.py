"""The status bar on a real project at 80×24, 120×40 and 200×60: what matters (environment, target, connection)
is always whole; the server, drizzle-kit and the config path give way in that order (the path cut in the middle
first), re-fitted on resize; the whole text is the tooltip; production keeps its styling."""

from __future__ import annotations

import pytest

from neontui.tui.app import NeontuiApp, Options
from neontui.tui.widgets.info import StatusBar, StatusPart, fit_status, status_parts
from tests.db.guarantees.test_gate import production_project
from tests.helpers import settle
from tests.tui.test_journal_layout import real_project  # noqa: F401  (the module's own 300-migration project)

SIZES = [(80, 24), (120, 40), (200, 60)]
PARTS = status_parts(production=False, target="localhost:5432/app_database", kind="PostgreSQL", version="17.2",
                     kit="0.31.4", config="/home/someone/projects/the-app/packages/db/drizzle.config.ts")


def shown(app: NeontuiApp) -> str:
    """The bar's line as the user reads it."""
    bar = app.query_one("#status", StatusBar)
    return bar.render_line(0).text.strip()


def test_parts_give_way_lowest_priority_first():
    full = fit_status(PARTS, 200)
    assert full == ("development · localhost:5432/app_database · connected · PostgreSQL 17.2 · drizzle-kit 0.31.4"
                    " · /home/someone/projects/the-app/packages/db/drizzle.config.ts")
    cut = fit_status(PARTS, 118)  # the path is cut in the middle, keeping its start and its file name
    assert len(cut) == 118 and cut.startswith(full[:90]) and cut.endswith("drizzle.config.ts") and "…" in cut
    assert fit_status(PARTS, 110) == full[:full.index(" · /home")]  # no room for its file name: it goes
    assert fit_status(PARTS, 100) == full[:full.index(" · /home")]
    assert fit_status(PARTS, 80) == "development · localhost:5432/app_database · connected · PostgreSQL 17.2"
    assert fit_status(PARTS, 66) == "development · localhost:5432/app_database · connected · PG 17.2"
    assert fit_status(PARTS, 60) == "development · localhost:5432/app_database · connected"
    assert fit_status(PARTS, 47) == "dev · localhost:5432/app_database · connected"  # before the target is cut
    assert fit_status(PARTS, 30) == "dev · localh…abase · connected"
    assert len(fit_status(PARTS, 20)) == 20  # what cannot be dropped is cut at the end, never past the width


def test_a_neon_pooled_server_is_abbreviated_before_it_is_dropped():
    parts = status_parts(production=True, target="ep-cool-name.neon.tech/main", kind="Neon pooled → direct for "
                         "migrations", version="17.4", kit=None, config="drizzle.config.ts")
    assert fit_status(parts, 200).endswith("Neon pooled → direct for migrations 17.4 · drizzle-kit not installed · "
                                           "drizzle.config.ts")
    assert fit_status(parts, 72) == "PRODUCTION · ep-cool-name.neon.tech/main · connected · Neon pooled 17.4"
    assert fit_status(parts, 64) == "PRODUCTION · ep-cool-name.neon.tech/main · connected · Neon 17.4"


def test_a_part_that_is_never_dropped_is_cut_in_the_middle():
    parts = [StatusPart(("PRODUCTION",), keep=True), StatusPart(("a-very-long-host-name.example.com/db",),
                                                                 middle=True, keep=True)]
    assert fit_status(parts, 30) == "PRODUCTION · a-very-l…e.com/db"
    assert fit_status(parts, 49) == "PRODUCTION · a-very-long-host-name.example.com/db"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_bar_keeps_what_matters_at_every_size(real_project, size):  # noqa: F811
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        bar = app.query_one("#status", StatusBar)
        text = shown(app)
        assert len(text) <= size[0] - 2
        env, target, state = text.split(" · ")[:3]
        assert env in ("development", "dev") and state == "connected", text
        assert target == app.gate.pending.overview.target.display_target() or "…" in target  # whole, or cut
        config = str(project / "drizzle.config.ts")
        assert config in bar.full_text and "connected" in bar.full_text and "drizzle-kit" in bar.full_text
        assert str(bar.tooltip) == bar.full_text  # everything, on hover
        # A part shows only when every more important one does; one goes only when its shortest form does not fit
        # (the test server's target is a socket path as long as the machine's temp folder).
        forms = [("PostgreSQL", "PG "), ("drizzle-kit", "kit "), ("drizzle.config.ts",)]
        present = [any(form in text for form in part) for part in forms]
        assert present == sorted(present, reverse=True), text
        shortest = ["PG 18.4", "no drizzle-kit", "…/drizzle.config.ts"]
        for part, shown_part, short in zip(forms, present, shortest, strict=True):
            assert shown_part or len(f"{text} · {short}") > size[0] - 2, (part, text)


async def test_the_bar_refits_when_the_terminal_is_resized(real_project):  # noqa: F811
    project, url = real_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        wide = shown(app)
        assert wide.endswith("drizzle.config.ts")  # whole, or cut in the middle on a machine with a long temp path
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = shown(app)
        assert len(narrow) <= 78 and "connected" in narrow and "drizzle.config.ts" not in narrow
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert shown(app) == wide


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_production_is_first_and_keeps_its_styling(tmp_path, database_url, monkeypatch, size):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("NEONTUI_ENV", raising=False)
    app = NeontuiApp(Options(production_project(tmp_path, database_url)))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        bar = app.query_one("#status", StatusBar)
        assert bar.has_class("production")
        assert shown(app).startswith("PRODUCTION · ") and "connected" in shown(app)
