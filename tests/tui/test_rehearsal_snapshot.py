"""The rehearsal report screen from deterministic data built with the core's own types (the flows on a real
database are in test_rehearse_action.py): an SVG snapshot, and a copy that could not be removed. Update the snapshot
deliberately with `python -m pytest tests/tui/test_rehearsal_snapshot.py --snapshot-update` and review the diff."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App

from neontui.core.actions.rehearse import RehearseOutcome
from neontui.core.db.schema_diff import diff_text
from neontui.core.gate.policy import Decision
from neontui.core.migrate.observe import HeldLock, ObservedStatement
from neontui.core.migrate.rehearse import NEON_BRANCH, Rehearsal, RehearsalCopy
from neontui.tui.screens.rehearsal import RehearsalScreen, report_lines

TAG = "0003_billing_email"
DIFF = """--- branch main
+++ branch neontui-rehearsal-20261201-101500
@@ -4,4 +4,6 @@
 CREATE TABLE public.users (
     id integer NOT NULL,
-    name text
+    name text,
+    billing_email text
 );
+CREATE INDEX users_billing_email_idx ON public.users USING btree (billing_email);
"""


def outcome() -> RehearseOutcome:
    copy = RehearsalCopy(NEON_BRANCH, "neontui-rehearsal-20261201-101500",
                         "ep-rehearse-123.eu-central-1.aws.neon.tech/neondb", "a child of main at its head",
                         branch_id="br-rehearse-1", project_id="autumn-bird-123456")
    statements = [
        ObservedStatement(TAG, 0, 'ALTER TABLE "users" ADD COLUMN "billing_email" text;', True, elapsed=0.004,
                          locks=[HeldLock("users", "AccessExclusiveLock", 0.031)]),
        ObservedStatement(TAG, 1, 'CREATE INDEX CONCURRENTLY "users_billing_email_idx" ON "users" ("billing_email");',
                          False, elapsed=0.012, locks=[HeldLock("users", "ShareUpdateExclusiveLock", 0.012)],
                          sampled=True)]
    report = Rehearsal("ep-main-456.eu-central-1.aws.neon.tech/neondb", copy, "2026-12-01T10:15:00+00:00", [TAG],
                       applied=[TAG], statements=statements, diff=diff_text(DIFF, "branch main", copy.label()),
                       removed=True, duration=4.2, apply_duration=0.031)
    return RehearseOutcome(Decision(True), [TAG], report)


class Report(App):
    def on_mount(self) -> None:
        self.push_screen(RehearsalScreen(outcome()))


def test_rehearsal_report(snap_compare):
    assert snap_compare(Report(), terminal_size=(110, 30))


def test_a_copy_left_behind_is_not_reported_as_removed():
    done = outcome()
    assert done.report is not None
    why = "the rehearsal branch neontui-rehearsal-20261201-101500 (br-rehearse-1) was not deleted: 503"
    done.report = replace(done.report, removed=False, removal_error=why)
    lines = report_lines(done)
    assert f"✗ the copy was NOT removed: {why}" in lines
    assert not any("the copy was removed" in line or "the copy was kept" in line for line in lines)
