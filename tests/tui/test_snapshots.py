"""SVG snapshots of the console's panes and dialogs at fixed sizes (deterministic data; Textual is pinned).

Update deliberately with `python -m pytest tests/tui/test_snapshots.py --snapshot-update` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical

from neontui.core.drizzle.journal import read_journal
from neontui.core.drizzle.status import MigrationStatus, State
from neontui.core.gate.checklist import Checklist, CheckRecord
from neontui.core.safety import Source, analyze
from neontui.tui.screens.dialogs import ConfirmDialog
from neontui.tui.widgets.checklist_pane import ChecklistPane
from neontui.tui.widgets.info import FindingDetail
from neontui.tui.widgets.journal_pane import JournalPane
from neontui.tui.widgets.sql_pane import SqlPane
from tests.factories import entry, make_folder

B = "--> statement-breakpoint\n"
RISKY = ('ALTER TABLE "users" ADD COLUMN "billing_email" text NOT NULL;' + B +
         'CREATE INDEX "deployments_project_idx" ON "deployments" USING btree ("project_id");' + B +
         'ALTER TABLE "projects" DROP COLUMN "legacy_slug";')


class Panes(App):
    CSS = "#left { width: 2fr; } #right { width: 3fr; }"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.journal = read_journal(folder)
        self.review = analyze([Source(e.tag, e.text) for e in self.journal.entries[-1:]])

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="left"):
                yield JournalPane(id="journal")
                yield ChecklistPane(id="checklist")
            with Vertical(id="right"):
                yield SqlPane(id="sql")
                yield FindingDetail(id="finding")

    def on_mount(self) -> None:
        states = [State.APPLIED, State.APPLIED, State.PENDING]
        rows = [MigrationStatus(state=s, tag=e.tag, idx=e.idx, when=e.when) for s, e in
                zip(states, self.journal.entries, strict=True)]
        findings = self.review.findings
        self.query_one(JournalPane).show(rows, findings)
        # A fixed record: the pane shows who checked an item and when, and a snapshot must not change with the clock.
        checklist = Checklist("key", findings, checks={"reviewed": CheckRecord("ci", "2026-12-01T12:00:00+00:00")})
        self.query_one(ChecklistPane).show(checklist, ["migrate locked: 7 checklist items unchecked"])
        self.query_one(SqlPane).show(self.journal.entries[-1:], findings)
        self.query_one(FindingDetail).show(findings[0])


class Confirm(App):
    def on_mount(self) -> None:
        self.push_screen(ConfirmDialog("Apply to PRODUCTION", ["0003_billing_email: 3 finding(s)",
                                                               "A restore point is recorded right before the run."],
                                       "neondb"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path, [entry(0, "0000_init", 1_795_240_300_779), entry(1, "0001_roles", 1_795_240_301_558),
                                  entry(2, "0002_billing_email", 1_795_240_303_856)],
                       {"0000_init": b'CREATE TABLE "users" ("id" serial PRIMARY KEY);',
                        "0001_roles": b'CREATE TYPE "public"."role" AS ENUM(\'owner\', \'member\');',
                        "0002_billing_email": RISKY.encode()})


def test_panes_120x40(snap_compare, folder):
    assert snap_compare(Panes(folder), terminal_size=(120, 40))


def test_panes_80x24(snap_compare, folder):
    assert snap_compare(Panes(folder), terminal_size=(80, 24))


def test_production_confirmation(snap_compare):
    assert snap_compare(Confirm(), terminal_size=(100, 24))
