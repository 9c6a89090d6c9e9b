"""The console's backup, restore and schema diff (keys b, X, v), through neontui.core.actions.backup / restore / diff,
in thread workers of the `run` group (one run at a time); a base class of the app (over RehearseActions).

Restore is asked of the policy like migrate: its plan (what is lost, where the state before is kept) is read in a
worker first, then shown in the production confirmation dialog, which returns the typed database name; the action
asks the policy again with it. Backup checks the checklist's "Database backed up" item, so the console reloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message

from neontui.core.errors import NeontuiError
from neontui.tui.messages import Failed, Reload
from neontui.tui.rehearse_actions import RehearseActions
from neontui.tui.screens.backups import NameDialog
from neontui.tui.screens.dialogs import ConfirmDialog
from neontui.tui.widgets.log_pane import LogPane

if TYPE_CHECKING:
    from neontui.core.actions.diff import DiffResult
    from neontui.core.actions.restore import RestoreOutcome, RestorePlan

# The policy's action name, as a string: importing neontui.core.gate.policy would load the database driver before
# the first frame (it is loaded in the load worker instead).
RESTORE = "restore"
NEWEST = "empty: the newest neontui backup"


class RestorePlanned(Message):
    def __init__(self, plan: RestorePlan) -> None:
        self.plan = plan
        super().__init__()


class RestoreFinished(Message):
    def __init__(self, outcome: RestoreOutcome) -> None:
        self.outcome = outcome
        super().__init__()


class DiffReady(Message):
    def __init__(self, result: DiffResult) -> None:
        self.result = result
        super().__init__()


def restore_lines(plan: RestorePlan) -> list[str]:
    """What the confirmation lists, as `neontui restore` prints it before asking."""
    return [f"restore {plan.where} from {plan.source}:", *(f"  - {line}" for line in plan.losses())]


class BackupActions(RehearseActions):
    def _begin(self, header: str) -> bool:
        """Claim the one run slot; False when there is no gate yet or a run is under way."""
        if self.gate is None or self.running:
            return False
        self.running = True
        self.query_one("#log", LogPane).begin_run(header)
        return True

    def _notice(self, text: str) -> None:  # from a worker thread
        self.call_from_thread(self.query_one("#log", LogPane).post_line, text)

    # --- backup ----------------------------------------------------------------------------------------------

    def action_backup(self) -> None:
        if self._begin("backup"):
            self.run_backup()

    @work(thread=True, group="run", exit_on_error=False)
    def run_backup(self) -> None:
        from neontui.core.actions.backup import take_backup

        assert self.gate is not None
        try:
            backup = take_backup(self.gate, self._notice)
        except NeontuiError as exc:
            self.call_from_thread(self.query_one("#log", LogPane).end_run, int(exc.exit_code))
            self.post_message(Failed("backup", exc.one_line()))
            return
        finally:
            self.running = False
        self._notice(f"✓ backup {backup.name} taken ({backup.created_at}); restore it with X, or: "
                     f"{backup.restore_commands()[0]}")
        self.call_from_thread(self.query_one("#log", LogPane).end_run, 0)
        self.call_from_thread(self.notify, f"Backup {backup.name} taken", title="Backup")
        self.post_message(Reload())  # the checklist's backup item is checked now

    # --- restore ---------------------------------------------------------------------------------------------

    def action_restore(self) -> None:
        if self.gate is not None and not self.running:
            self.push_screen(NameDialog("Restore the target from which backup (a name or id; on Neon also an RFC "
                                        "3339 time)?", NEWEST), self._plan_restore)

    def _plan_restore(self, to: str | None) -> None:
        if to is not None and self._begin("restore"):
            self.run_restore_plan(to or None)

    @work(thread=True, group="run", exit_on_error=False)
    def run_restore_plan(self, to: str | None) -> None:
        from neontui.core.actions.restore import plan_restore

        assert self.gate is not None
        try:
            plan = plan_restore(self.gate, to)
        except NeontuiError as exc:
            self.call_from_thread(self.query_one("#log", LogPane).end_run, int(exc.exit_code))
            self.post_message(Failed("restore", exc.one_line()))
            return
        finally:
            self.running = False
        self.post_message(RestorePlanned(plan))

    @on(RestorePlanned)
    def confirm_restore(self, message: RestorePlanned) -> None:
        assert self.gate is not None
        plan = message.plan
        lines = restore_lines(plan)
        self.query_one("#log", LogPane).post_lines(lines)
        decision = self.gate.decide(RESTORE)  # the policy wants the typed name everywhere
        database = self.gate.confirmation_to_ask(RESTORE, decision)
        if database is None:  # locked whatever is typed (no name to confirm is known): say why, run nothing
            self.query_one("#log", LogPane).end_run(1)  # `neontui restore`'s exit code for a refusal
            self._locked("Restore locked", decision.reasons)
            return
        self.push_screen(ConfirmDialog(f"Restore {plan.database}", lines, database),
                         lambda typed: self._restore(plan, typed) if typed is not None
                         else self.query_one("#log", LogPane).end_run(1))

    def _restore(self, plan: RestorePlan, typed: str | None) -> None:
        if not self.running:  # a run may have started (an F-key) while the dialog was open
            self.running = True
            self.run_restore(plan, typed)

    @work(thread=True, group="run", exit_on_error=False)
    def run_restore(self, plan: RestorePlan, typed: str | None) -> None:
        from neontui.core.actions.restore import execute_restore

        assert self.gate is not None
        try:  # the action asks the policy again with the typed name: the dialog only collects it
            outcome = execute_restore(self.gate, plan, typed, notice=self._notice)
        finally:
            self.running = False
        self.post_message(RestoreFinished(outcome))

    @on(RestoreFinished)
    def restore_finished(self, message: RestoreFinished) -> None:
        outcome = message.outcome
        self.query_one("#log", LogPane).end_run(int(outcome.exit_code))  # what `neontui restore` would exit with
        if not outcome.decision.allowed:
            self._locked("Restore refused", outcome.decision.reasons)
            return
        if outcome.error is not None:
            self.post_message(Failed("restore", outcome.error.one_line()))
            return
        kept = outcome.preserved  # a snapshot restore learns the name Neon gave the old branch only afterwards
        log = self.query_one("#log", LogPane)
        log.post_line(f"✓ restored from {outcome.plan.source}; the state before the restore is kept as {kept}")
        for line in outcome.notes:  # e.g. the branch's new id after a snapshot restore
            log.post_line(f"  {line}")
        self.notify(f"Restored; the state before is kept as {kept}", title="Restore")
        self.post_message(Reload())  # the database changed under the panes

    # --- diff ------------------------------------------------------------------------------------------------

    def action_diff(self) -> None:
        if self.gate is not None and not self.running:
            self.push_screen(NameDialog("Compare the target's schema with (a backup, a kept rehearsal copy, a "
                                        "branch or database name, or a postgresql:// URL)?", NEWEST),
                             self._diff_with)

    def _diff_with(self, against: str | None) -> None:
        if against is not None and self._begin("schema diff"):
            self.run_diff(against or None)

    @work(thread=True, group="run", exit_on_error=False)
    def run_diff(self, against: str | None) -> None:
        from neontui.core.actions.diff import diff_against

        assert self.gate is not None
        try:
            result = diff_against(self.gate, against)
        except NeontuiError as exc:
            self.call_from_thread(self.query_one("#log", LogPane).end_run, int(exc.exit_code))
            self.post_message(Failed("diff", exc.one_line()))
            return
        finally:
            self.running = False
        self.post_message(DiffReady(result))

    @on(DiffReady)
    def show_diff(self, message: DiffReady) -> None:
        from neontui.tui.screens.backups import DiffScreen

        screen = DiffScreen(message.result)
        self.query_one("#log", LogPane).post_lines(screen.lines)
        self.query_one("#log", LogPane).end_run(0)
        self.push_screen(screen)
