"""The console's drizzle-kit actions (generate, check, push, studio), each through neontui.core.actions: the app's
base class, so app.py stays the wiring of panes and workers."""

from __future__ import annotations

import queue
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App

from neontui.core.errors import NeontuiError
from neontui.tui.messages import Failed, Loaded, Reload
from neontui.tui.screens.dialogs import ConfirmDialog, GenerateDialog
from neontui.tui.screens.prompt_dialog import PromptDialog
from neontui.tui.screens.push_confirm import PushConfirmDialog, choice_starting
from neontui.tui.widgets.log_pane import LogPane

if TYPE_CHECKING:
    from neontui.core.actions.events import Prompt
    from neontui.core.actions.gate import Gate
    from neontui.core.actions.studio import Studio

# The policy's action name, as a string: importing neontui.core.gate.policy would load the database driver before
# the first frame (it is loaded in the load worker instead).
PUSH = "push"


class KitActions(App[int]):
    gate: Gate | None
    running: bool  # a run (migrate, dry run, generate, check, push) is under way: one at a time
    studio: Studio | None

    def _locked(self, title: str, reasons: Iterable[str]) -> None:
        self.notify("\n".join(reasons), title=title, severity="error", timeout=10, markup=False)

    def action_generate(self) -> None:
        if self.gate is not None and not self.running:
            self.push_screen(GenerateDialog(), self._generate_with)

    def _generate_with(self, choice: tuple[str | None, bool] | None) -> None:
        if choice is not None and not self.running:
            self.running = True
            self.query_one("#log", LogPane).begin_run("drizzle-kit generate")
            self.run_generate(*choice)

    @work(thread=True, group="run", exit_on_error=False)
    def run_generate(self, name: str | None, custom: bool) -> None:
        from neontui.core.actions.generate import generate

        gate = self.gate
        assert gate is not None
        log = self.query_one("#log", LogPane)
        try:
            result = generate(gate.project, gate.settings, name=name, custom=custom, answer=self._ask_from_thread,
                              on_event=lambda e: self.call_from_thread(log.handle, e), environment=gate.environment)
        except NeontuiError as exc:
            self.call_from_thread(log.end_run, int(exc.exit_code))
            self.post_message(Failed("generate", exc.one_line()))
            self.running = False
            return
        self.call_from_thread(log.post_line, f"{'✓' if result.ok else '✗'} {result.summary} — next: "
                                             f"{result.next_step}")
        self.call_from_thread(log.end_run, int(result.exit_code))
        self.running = False
        self.post_message(Reload())

    def action_check(self) -> None:
        if self.gate is not None and not self.running:
            self.running = True
            self.query_one("#log", LogPane).begin_run("drizzle-kit check")
            self.run_check()

    @work(thread=True, group="run", exit_on_error=False)
    def run_check(self) -> None:
        from neontui.core.actions.check import check

        assert self.gate is not None
        log = self.query_one("#log", LogPane)
        try:
            result = check(self.gate.project, on_event=lambda e: self.call_from_thread(log.handle, e))
            self.call_from_thread(log.post_line, f"{'✓' if result.ok else '✗'} {result.summary}")
            self.call_from_thread(log.end_run, int(result.exit_code))
        except NeontuiError as exc:
            self.call_from_thread(log.end_run, int(exc.exit_code))
            self.post_message(Failed("check", exc.one_line()))
        finally:
            self.running = False

    def action_push(self) -> None:
        if self.gate is None or self.running:
            return
        decision = self.gate.decide(PUSH)  # push is a development tool: the policy decides
        if decision.allowed:
            self._push(None)
            return
        database = self.gate.confirmation_to_ask(PUSH, decision)
        if database is None:  # locked whatever is typed: say why, run nothing (as migrate)
            self._locked("Push locked", decision.reasons)
            return
        lines = ["drizzle-kit push changes the database to match the schema directly: no migration file, no "
                 "transaction (statements before an error stay applied) and no restore point."]
        self.push_screen(ConfirmDialog("Push to PRODUCTION", lines, database),
                         lambda typed: self._push(typed) if typed is not None else None)

    def _push(self, typed: str | None) -> None:
        if not self.running:  # a run may have started (an F-key) while the dialog was open
            self.running = True
            self.query_one("#log", LogPane).begin_run("drizzle-kit push")
            self.run_push(typed)

    @work(thread=True, group="run", exit_on_error=False)
    def run_push(self, typed: str | None) -> None:
        from neontui.core.actions.push import push

        assert self.gate is not None
        log = self.query_one("#log", LogPane)
        try:  # the action asks the policy again with the typed name: the dialog only collects it
            outcome = push(self.gate, typed_confirmation=typed, answer=self._ask_from_thread, confirm_first=True,
                           on_event=lambda e: self.call_from_thread(log.handle, e))
        except NeontuiError as exc:
            self.call_from_thread(log.end_run, int(exc.exit_code))
            self.post_message(Failed("push", exc.one_line()))
            return
        finally:
            self.running = False
        self.call_from_thread(log.end_run, int(outcome.exit_code))  # what `neontui push` would exit with
        if not outcome.decision.allowed:
            self.call_from_thread(self._locked, "Push locked", outcome.decision.reasons)
        elif outcome.error is not None:
            self.post_message(Failed("push", outcome.error.one_line()))
        elif outcome.result is not None:
            result = outcome.result
            self.call_from_thread(log.post_line, f"{'✓' if result.ok else '✗'} {result.summary} — next: "
                                                 f"{result.next_step}")
            self.post_message(Reload())

    def action_studio(self) -> None:
        if self.gate is not None:
            self.toggle_studio()

    @work(thread=True, exclusive=True, group="studio", exit_on_error=False)
    def toggle_studio(self) -> None:
        from neontui.core.actions.studio import start_studio

        assert self.gate is not None
        log = self.query_one("#log", LogPane)
        if self.studio is not None and self.studio.running:
            code = self.studio.stop()
            self.studio = None
            self.call_from_thread(log.post_line, f"Drizzle Studio stopped (exit {code})")
            return
        try:
            run = start_studio(self.gate.project, environment=self.gate.environment)
        except NeontuiError as exc:
            self.post_message(Failed("studio", exc.one_line()))
            return
        self.studio, info = run.studio, run.info
        for warning in run.warnings:
            self.call_from_thread(log.post_line, f"warning: {warning}")
        self.call_from_thread(log.post_line, f"Drizzle Studio is running: {info.url} (S stops it)")
        self.call_from_thread(self.notify, info.url, title="Drizzle Studio")

    @on(Loaded)
    def check_branches(self, message: Loaded) -> None:
        """A 1.0 history that forks (a merge): ask drizzle-kit, after the first frame, whether the branches
        conflict; drizzle-kit migrate refuses conflicting ones. Without a fork nothing is started."""
        journal = message.gate.pending.journal
        if journal.is_folders and journal.folders is not None and journal.folders.branches:
            self.run_branch_check(message.gate)

    @work(thread=True, exclusive=True, group="branches", exit_on_error=False)
    def run_branch_check(self, gate: Gate) -> None:
        from neontui.core.actions.status import conflict_problems

        problems = conflict_problems(gate.project, gate.pending.journal)
        if not problems:
            return
        log = self.query_one("#log", LogPane)
        # the overview the panes were drawn from: later readers (a reload replaces it) see the problems too
        gate.pending.overview.status.problems.extend(problems)
        for problem in problems:
            self.call_from_thread(log.post_line, f"✗ {problem.code}: {problem.message}")
        text = "\n\n".join(p.message for p in problems)
        self.call_from_thread(self.notify, text, title="Conflicting migration branches", severity="error",
                              timeout=30, markup=False)

    def on_unmount(self) -> None:
        if self.studio is not None:
            self.studio.stop()  # never outlive the console

    def _ask_from_thread(self, prompt: Prompt) -> int | None:
        """drizzle-kit's question as a dialog; the worker thread waits for the answer. A push's last question (with
        the statements it will execute) gets the push dialog, and the log keeps what was answered."""
        answers: queue.Queue[int | None] = queue.Queue()
        dialog = PushConfirmDialog(prompt) if prompt.statements else PromptDialog(prompt)
        self.call_from_thread(self.push_screen, dialog, answers.put)
        choice = answers.get()
        if prompt.statements:
            pushed = choice is not None and choice_starting(prompt, "yes") == choice
            self.call_from_thread(self.query_one("#log", LogPane).post_lines,
                                  [*prompt.statements, "→ pushing these statements" if pushed else
                                   "→ declined: nothing is applied"])
        return choice
