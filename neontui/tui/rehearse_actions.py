"""The console's rehearsal (key t): the gate's pending batch on a disposable copy of the target, through
neontui.core.actions.rehearse, in a thread worker like migrate; a base class of the app (over KitActions), so
app.py stays wiring.

The worker streams the run's notices and events to the live log; when it ends, the report goes to the log and to a
screen (neontui.tui.screens.rehearsal), and the console reloads, so the checklist shows what the rehearsal recorded:
"Tested in development" checked, or, in production, the gate's refusal naming the failed rehearsal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message

from neontui.tui.kit_actions import KitActions
from neontui.tui.messages import Reload
from neontui.tui.widgets.log_pane import LogPane

if TYPE_CHECKING:
    from neontui.core.actions.rehearse import RehearseOutcome

# The policy's action name, as a string: importing neontui.core.gate.policy would load the database driver before
# the first frame (it is loaded in the load worker instead).
REHEARSE = "rehearse"


class RehearsalFinished(Message):
    def __init__(self, outcome: RehearseOutcome) -> None:
        self.outcome = outcome
        super().__init__()


class RehearseActions(KitActions):
    def action_rehearse(self) -> None:
        gate = self.gate
        if gate is None or self.running:
            return
        if not gate.pending.migrations:
            self.notify("Nothing pending: nothing to rehearse", title="Rehearse")
            return
        decision = gate.decide(REHEARSE)  # always allowed today (a copy is disposable); the policy still decides
        if not decision.allowed:
            self._locked("Rehearse locked", decision.reasons)
            return
        self.running = True
        self.query_one("#log", LogPane).begin_run(f"rehearse {len(gate.pending.migrations)} migration(s) on a "
                                                  "disposable copy")
        self.run_rehearse()

    @work(thread=True, group="run", exit_on_error=False)
    def run_rehearse(self) -> None:
        from neontui.core.actions.rehearse import run_rehearsal

        gate = self.gate
        assert gate is not None
        log = self.query_one("#log", LogPane)
        # run_rehearsal's options are a real run's (neontui.toml's timeouts): what a lock_timeout would do shows here
        outcome = run_rehearsal(gate, on_event=lambda e: self.call_from_thread(log.handle, e),
                                on_notice=lambda text: self.call_from_thread(log.post_line, text))
        self.post_message(RehearsalFinished(outcome))

    @on(RehearsalFinished)
    def rehearsal_finished(self, message: RehearsalFinished) -> None:
        from neontui.tui.screens.rehearsal import RehearsalScreen

        self.running = False
        screen = RehearsalScreen(message.outcome)
        self.query_one("#log", LogPane).post_lines(screen.lines)
        self.query_one("#log", LogPane).end_run(int(message.outcome.exit_code))
        report = message.outcome.report
        if report is not None and report.ok:
            self.notify("Rehearsal passed" + ("; the copy was removed" if report.removed else ""), title="Rehearse")
        self.push_screen(screen)
        if report is not None:  # the checklist recorded it: show what the gate says now
            self.post_message(Reload())
