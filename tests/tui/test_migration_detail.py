"""The migration detail (Enter on a journal row, or `i`) on a real project's shape (300 long-tag migrations, 5
pending) with one migration of every troubled state: the full tag, the state in words with why, `when` as a UTC
date-time, the file, the statements, the ledger row and the findings, wrapped at 80×24; Esc and q close it."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from neontui.core.db.url import with_database
from neontui.tui.app import NeontuiApp, Options
from neontui.tui.screens.migration import MigrationScreen
from neontui.tui.widgets.journal_pane import JournalPane
from tests.factories import long_tag_project, sql_project
from tests.helpers import LEDGER, settle

SIZES = [(80, 24), (120, 40)]
PENDING = "0295_resource_permissions_and_billing_invoices"
EDITED = "0100_resource_permissions_and_billing_invoices"
SKIPPED = "0050_resource_permissions_and_billing_invoices"
DAY, START = 86_400_000, 1_704_067_200_000 + 9 * 3_600_000  # the factory's `when`s: 09:00 UTC a day apart


@pytest.fixture(scope="module")
def troubled_project(tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str) -> Iterator[tuple[Path, str]]:
    """The long-tag project with 0100 edited after it was applied, 0050's ledger row gone (skipped: older than the
    newest row), a ledger row of no local migration, and a .sql file the journal does not list."""
    name = f"neontui_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(pg_admin_url, name)
    root = long_tag_project(tmp_path_factory.mktemp("troubled") / "app", url)
    edited = root / "drizzle" / f"{EDITED}.sql"
    edited.write_text(edited.read_text() + "\n-- edited after it was applied\n")
    (root / "drizzle" / "9999_stray.sql").write_text("SELECT 1;")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"delete from {LEDGER} where created_at = %s", (START + 50 * DAY,))
        conn.execute(f"insert into {LEDGER} (hash, created_at) values (%s, %s)", ("ab" * 32, START - DAY))
    yield root, url
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def modal_rows(app: NeontuiApp) -> list[str]:
    """The detail as the user reads it when scrolling through its box: each row's name and text, wrapped as the
    terminal draws them (every row of every Static, also those scrolled out of the box)."""
    screen = app.screen
    box = screen.query_one(VerticalScroll)
    assert box.region.right <= app.size.width and box.region.bottom <= app.size.height  # the box fits the screen
    rows: list[str] = []
    for row in box.query(Horizontal):
        name, text = row.query(Static)
        drawn = [text.render_line(y).text.rstrip() for y in range(text.size.height)]
        assert text.region.right <= box.region.right  # wrapped inside the box, never cut at its edge
        rows += [f"{name.render_line(y).text.rstrip() if y == 0 else '':<11}{line}" for y, line in enumerate(drawn)]
    return rows


def unwrapped(rows: list[str]) -> str:
    """The box's text with the wrapping undone (a long tag or path folds across rows)."""
    return "".join("".join(rows).split())


def squeeze(text: str) -> str:
    return "".join(text.split())


async def open_detail(app: NeontuiApp, pilot, tag: str, key: str) -> list[str]:
    journal = app.query_one(JournalPane)
    journal.focus()
    journal.move_cursor(row=journal.get_row_index(tag))
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, MigrationScreen)
    return modal_rows(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_enter_on_the_first_pending_row_explains_it_and_esc_closes(troubled_project, size):
    project, url = troubled_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        journal.focus()
        assert journal.coordinate_to_cell_key(journal.cursor_coordinate).row_key.value == PENDING
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MigrationScreen)
        rows = modal_rows(app)
        assert all(len(row) <= size[0] for row in rows)
        text = unwrapped(rows)
        assert squeeze(f"tag {PENDING}") in text  # whole, though the journal shortens it
        assert squeeze("idx 295") in text
        assert squeeze("→ pending: not in the ledger yet: drizzle would run it next") in text
        assert squeeze("runs 1 of 5 in the pending batch") in text
        assert squeeze("when 2024-10-22 09:00:00 UTC") in text
        assert squeeze(f"file {project / 'drizzle' / PENDING}.sql") in text
        assert squeeze("statements 1") in text and squeeze("ledger no row") in text
        assert squeeze("findings none") in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MigrationScreen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_i_on_an_edited_migration_names_both_hashes_and_its_ledger_row(troubled_project, size):
    project, url = troubled_project
    file_hash = hashlib.sha256((project / "drizzle" / f"{EDITED}.sql").read_bytes()).hexdigest()
    with psycopg.connect(url) as conn:
        row = conn.execute(f"select id, hash from {LEDGER} where created_at = %s", (START + 100 * DAY,)).fetchone()
    assert row is not None
    row_id, ledger_hash = row
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        text = unwrapped(await open_detail(app, pilot, EDITED, "i"))
        assert squeeze("✎ edited: applied, but the file changed since") in text
        assert squeeze(f"file sha256 {file_hash[:12]} ≠ ledger hash {ledger_hash[:12]} (ledger row id {row_id})"
                       ) in text
        assert squeeze(f"ledger row id {row_id} · hash {ledger_hash[:12]} · created_at 2024-04-10") in text
        assert squeeze("when 2024-04-10 09:00:00 UTC") in text
        await pilot.press("q")  # q closes the detail, not the console
        await pilot.pause()
        assert not isinstance(app.screen, MigrationScreen) and app.is_running


@pytest.mark.parametrize(("tag", "said"), [
    (SKIPPED, ["⤼ skipped: not in the ledger, yet older than the ledger's newest row: drizzle 0.x will never run it",
               f"✗ skipped: {SKIPPED} (when {START + 50 * DAY}) is not in the ledger", "drizzle will never run it",
               "ledger no row"]),
    ("ledger-", ["? ledger-only: a ledger row that matches no local migration", "matches no local migration",
                 f"hash {'ab' * 6} · created_at 2023-12-31", "file —"]),
    ("9999_stray", ["+ unlisted-file: a .sql file that nothing lists: drizzle never runs it",
                    "✗ unlisted-file: 9999_stray.sql is not in meta/_journal.json"]),
], ids=["skipped", "ledger-only", "unlisted"])
async def test_each_troubled_state_says_why(troubled_project, tag, said):
    project, url = troubled_project
    app = NeontuiApp(Options(project, url=url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        journal = app.query_one(JournalPane)
        key = next(str(k.value) for k in journal.rows if str(k.value).startswith(tag))
        text = unwrapped(await open_detail(app, pilot, key, "i"))
        for words in said:
            assert squeeze(words) in text, (words, text)


async def test_the_detail_lists_the_migrations_findings(tmp_path: Path, database_url: str):
    project = sql_project(tmp_path / "app", {
        "0000_init": b'CREATE TABLE "users" ("id" integer, "email" text);',
        "0001_index_the_users_email": b'CREATE INDEX "users_email_idx" ON "users" ("email");'},
        database_url=database_url, applied=1)
    app = NeontuiApp(Options(project, url=database_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.gate is not None
        findings = [f for f in app.gate.review.findings if f.tag == "0001_index_the_users_email"]
        assert findings  # a plain CREATE INDEX locks the table's writes
        text = unwrapped(await open_detail(app, pilot, "0001_index_the_users_email", "i"))
        assert squeeze(f"findings {len(findings)}") in text
        for f in findings:
            assert squeeze(f"{f.severity}[{f.rule}] line {f.line}: {f.message}") in text
