"""The console: panes wired to workers. All I/O runs in thread workers that post messages (the read-only load in
a daemon thread, see _in_daemon_thread); every action goes through neontui.core.actions, whose gate asks the
core's policy before anything changes the database."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from neontui.core.crash import note_termination, termination_code, write_crash_report
from neontui.core.display import confirmation_summary, endpoint_kind
from neontui.core.errors import NeontuiError
from neontui.core.redact import redact
from neontui.tui.backup_actions import BackupActions
from neontui.tui.keymap import ACTIONS, bindings, key_display, keys_display
from neontui.tui.layout_actions import LayoutActions
from neontui.tui.messages import Failed, Loaded, Reload, RunFinished, StatusRead
from neontui.tui.run_actions import RunActions
from neontui.tui.screens.dialogs import ConfirmDialog, ErrorDialog
from neontui.tui.terminal_signals import resume_only_after_suspend
from neontui.tui.threads import in_daemon_thread
from neontui.tui.widgets.checklist_pane import ChecklistPane
from neontui.tui.widgets.info import FindingBox, FindingDetail, ProblemBanner, StatusBar, plain_scrollbars, status_parts
from neontui.tui.widgets.journal_pane import JournalPane
from neontui.tui.widgets.log_pane import LogPane
from neontui.tui.widgets.sql_pane import SqlPane, warm_highlighter

if TYPE_CHECKING:
    from neontui.core.actions.gate import Gate

# The policy's action names, as strings: importing neontui.core.gate.policy would load the database driver before the
# first frame (it is loaded in the load worker instead).
MIGRATE, DRY_RUN = "migrate", "dry-run"


@dataclass(frozen=True)
class Options:
    project_dir: Path
    config: Path | None = None
    out: str | None = None
    url: str | None = None
    env: str | None = None
    target: str | None = None
    welcome: tuple[str, ...] = ()  # lines the log opens with (the demo's first steps)


RUN_ACTIONS = ("migrate", "dry_run", "generate", "check", "push", "rehearse", "backup", "restore", "diff")


class NeontuiApp(LayoutActions, RunActions, BackupActions):  # BackupActions over RehearseActions over KitActions
    TITLE = "neontui"
    CSS = """
    #main { height: 1fr; }
    #left { width: 2fr; min-width: 46; }  /* the journal's state, findings and date whole at 80 columns */
    #right { width: 3fr; }
    SqlPane { height: 3fr; }
    LogPane { height: 2fr; min-height: 8; }  /* five rows of log at 80×24 under a tall finding box */
    NeontuiApp.-running SqlPane { height: 1fr; }  /* while something runs, the log is where the action is */
    Footer FooterKey.-command-palette { border-left: blank; }  /* its ▏ separator reads as a stray glyph */
    """
    BINDINGS = bindings()

    def __init__(self, options: Options) -> None:
        super().__init__()
        self.options = options
        self.gate: Gate | None = None
        self.running = False
        self._asked: bool | None = None  # a migrate (False) or dry run (True) asked for while the review still loads
        self.studio = None

    def compose(self) -> ComposeResult:
        yield StatusBar("connecting…", id="status")
        yield ProblemBanner(id="problems")  # what status reports as problems, above the panes
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield JournalPane(id="journal")
                yield ChecklistPane(id="checklist")
            with Vertical(id="right"):
                yield SqlPane(id="sql")
                yield FindingBox(id="finding-box")
                yield LogPane(id="log")
        yield Footer()

    def on_mount(self) -> None:
        resume_only_after_suspend()  # a hang-up's SIGCONT must not restart output on a terminal that is gone
        for signum in (signal.SIGHUP, signal.SIGTERM):  # through the loop: a SystemExit raised inside it would
            asyncio.get_running_loop().add_signal_handler(signum, self._hang_up, 128 + signum)  # strand its tasks
        plain_scrollbars(self.screen)
        self.query_one("#log", LogPane).post_lines(self.options.welcome)
        self.load()

    def _hang_up(self, code: int) -> None:
        """The terminal hung up (or SIGTERM): a normal way to leave, with 128 + the signal and no crash report."""
        note_termination(code)
        self.exit(None, return_code=code)

    def get_system_commands(self, screen: Any) -> Iterable[SystemCommand]:
        """The command palette lists the same registry as the keys and the footer (hiding runs while one runs)."""
        yield from super().get_system_commands(screen)
        for action in ACTIONS:
            if action.id in ("quit", "help") or (self.running and action.id in RUN_ACTIONS):
                continue
            yield SystemCommand(action.description, f"key: {keys_display(action.keys, ' or ')}",
                                getattr(self, f"action_{action.id}"))

    # --- loading ---------------------------------------------------------------------------------------------

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load(self) -> None:
        try:
            gate = await in_daemon_thread(self._open_gate, "neontui load")
        except NeontuiError as exc:
            self.post_message(Failed("load", exc.one_line()))
            return
        self.post_message(Loaded(gate))

    def _open_gate(self) -> Gate:
        """Project, status and review, in the load's daemon thread: nothing here must finish before an exit."""
        from neontui.core.actions.gate import open_gate
        from neontui.core.drizzle.project import load_project

        o = self.options
        project = load_project(o.project_dir, config=o.config, out=o.out, url=o.url)
        status = self.query_one("#status", StatusBar)
        gate = open_gate(project, env_flag=o.env, target_name=o.target, review=True,
                         on_retry=lambda n, why: self.call_from_thread(
                             status.say, redact(f"connecting… database not ready ({why}); retry {n}")),
                         on_status=lambda overview: self.post_message(StatusRead(overview)))
        warm_highlighter()  # here, not on the UI thread: the SQL pane paints the pending SQL next
        return gate

    @on(StatusRead)
    def show_status(self, message: StatusRead) -> None:
        """On the first load, the journal as soon as the ledger is read; the findings, the SQL and the checklist
        follow with `Loaded`. A reload keeps the previous screen until it is whole (no findings column blinking)."""
        if self.gate is None:
            status = message.overview.status
            self.query_one("#problems", ProblemBanner).show(status.problems, self.key_for("problems"))
            self.query_one("#journal", JournalPane).show(status.migrations, [])

    @on(Loaded)
    def show_loaded(self, message: Loaded) -> None:
        gate = self.gate = message.gate
        self._apply_keymap(gate)
        overview = gate.pending.overview
        env = gate.environment
        target = overview.target
        kind = endpoint_kind(overview.server.is_neon, target.is_pooled, for_migrations=True)
        status = self.query_one("#status", StatusBar)
        status.set_class(env.production, "production")
        from neontui.core.actions.doctor import find_drizzle_kit

        kit = find_drizzle_kit(gate.project.config.root)
        status.show(status_parts(production=env.production, target=target.display_target(), kind=kind,
                                 version=overview.server.version, kit=kit[1] if kit else None,
                                 config=str(gate.project.config.path)))
        self.query_one("#problems", ProblemBanner).show(overview.status.problems, self.key_for("problems"))
        self.query_one("#journal", JournalPane).show(overview.status.migrations, gate.review.findings)
        self.query_one("#sql", SqlPane).show(gate.pending.migrations, gate.review.findings)
        self._show_checklist()
        log = self.query_one("#log", LogPane)
        for problem in overview.status.problems:  # what status reports, e.g. what drizzle-kit 1.0 would refuse
            log.post_line(f"✗ {problem.code}: {problem.message}")
        if self._asked is not None:  # asked for once the journal showed: the gate decides now, as for a key press
            dry, self._asked = self._asked, None
            self._start(dry=dry)

    def _apply_keymap(self, gate: Gate) -> None:
        keys = gate.settings.keys
        known = {a.id for a in ACTIONS}
        unknown = sorted(set(keys) - known)
        if unknown:
            self.notify(f"[keys] in neontui.toml: unknown action(s) {', '.join(unknown)}; known: "
                        f"{', '.join(sorted(known))}", severity="warning", markup=False)
        self.set_keymap({action: value for action, value in keys.items() if action in known})

    def _show_checklist(self) -> None:
        from neontui.core.gate.policy import Reason

        assert self.gate is not None
        # What keeps migrate locked besides the typed name, which the confirmation dialog asks for.
        refusals = self.gate.decide(MIGRATE).refusals_except(Reason.CONFIRMATION_MISSING)
        self.query_one("#checklist", ChecklistPane).show(self.gate.checklist, [r.text for r in refusals])

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """A worker's unexpected exception becomes an error dialog (and a redacted crash report), never a crash."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.running = False
            error = event.worker.error
            if termination_code(error) is not None:  # the process is ending on a hang-up: not a failure to report
                return
            report = write_crash_report(error)
            where = f"; details in {report}" if report else ""
            self.post_message(Failed(event.worker.name, f"{type(error).__name__}: {error}{where}"))

    @on(Failed)
    def show_failure(self, message: Failed) -> None:
        self._asked = None  # a load that failed runs nothing later
        self.query_one("#status", StatusBar).say(f"{message.what} failed: {message.error}")
        self.push_screen(ErrorDialog(message.error))

    # --- panes -----------------------------------------------------------------------------------------------

    @on(JournalPane.Selected)
    def show_migration(self, message: JournalPane.Selected) -> None:
        if self.gate is None or message.tag is None:
            return
        entries = [e for e in self.gate.pending.journal.entries if e.tag == message.tag]
        self.query_one("#sql", SqlPane).show(entries, self.gate.review.findings)

    @on(ChecklistPane.Toggled)
    def toggle(self, message: ChecklistPane.Toggled) -> None:
        if self.gate is None:
            return
        from neontui.core.actions.gate import toggle  # loaded already: the load opened the gate

        if message.checked:
            toggle(self.gate, check=[message.item_id])
        else:
            toggle(self.gate, uncheck=[message.item_id])
        self._show_checklist()

    @on(SqlPane.FindingSelected)
    def show_finding(self, message: SqlPane.FindingSelected) -> None:
        self.query_one("#finding", FindingDetail).show(message.finding)

    @on(SqlPane.CopyRequested)
    def copy_text(self, message: SqlPane.CopyRequested) -> None:
        self.copy_to_clipboard(message.text)  # OSC 52: works over SSH too
        try:  # and the local clipboard where there is one (not over SSH or in containers)
            import pyperclip

            pyperclip.copy(message.text)
        except Exception:  # pyperclip raises its own PyperclipException, or fails to find a backend
            pass
        self.notify(f"Copied {message.what}", title="Copied")

    # --- actions (every database-changing path asks the policy first) -----------------------------------------

    def action_refresh(self) -> None:
        self.load()

    @on(Reload)
    def reload(self) -> None:
        self.load()

    def action_migrate(self) -> None:
        self._start(dry=False)

    def action_dry_run(self) -> None:
        self._start(dry=True)

    def _start(self, *, dry: bool) -> None:
        gate = self.gate
        if gate is None:  # the journal shows before the review and the checklist are loaded: go on once they are
            self._asked = dry
            self.query_one("#status", StatusBar).say(f"{'dry run' if dry else 'migrate'}: waits for the review to load")
            return
        if self.running:
            return
        if not gate.pending.migrations:
            self.notify("Nothing pending", title="Migrate")
            return
        action = DRY_RUN if dry else MIGRATE
        decision = gate.decide(action)
        if decision.allowed:
            self._run(dry, None)
            return
        database = gate.confirmation_to_ask(action, decision)
        if database is not None:
            lines = confirmation_summary(gate.pending.migrations, gate.review.findings)
            self.push_screen(ConfirmDialog("Apply to PRODUCTION", lines, database),
                             lambda typed: self._run(dry, typed) if typed is not None else None)
            return
        self._locked(f"{'Dry run' if dry else 'Migrate'} locked", decision.reasons)

    def _run(self, dry: bool, typed: str | None) -> None:
        self.running = True
        self.query_one("#log", LogPane).begin_run("dry run" if dry else "migrate")
        self.run_migration(dry, typed)

    @work(thread=True, group="run", exit_on_error=False)
    def run_migration(self, dry: bool, typed: str | None) -> None:
        from neontui.core.actions.migrate import execute

        assert self.gate is not None
        log = self.query_one("#log", LogPane)
        outcome = execute(self.gate, dry=dry, typed_confirmation=typed,
                          on_event=lambda e: self.call_from_thread(log.handle, e),
                          on_notice=lambda text: self.call_from_thread(log.post_line, text))
        self.post_message(RunFinished(outcome))

    @on(RunFinished)
    def finished(self, message: RunFinished) -> None:
        self.running = False
        outcome = message.outcome
        log = self.query_one("#log", LogPane)
        if not outcome.decision.allowed:
            log.end_run(int(outcome.exit_code))
            self._locked("Refused", outcome.decision.reasons)
            return
        failure = outcome.failure
        self.after_run(outcome)  # the dry run's statements; the journal and the SQL pane on the failing statement
        if failure is not None:
            log.post_line(f"✗ {failure.one_line()}")
            self.push_screen(ErrorDialog(failure.one_line()))
        elif outcome.dry is not None:
            log.post_line("✓ dry run passed; everything was rolled back")
            self.notify("Dry run passed (rolled back)", title="Dry run")
        else:
            log.post_line(f"✓ applied {', '.join(outcome.applied) or 'nothing'}")
            self.notify(f"Applied {len(outcome.applied)} migration(s)", title="Migrate")
        log.end_run(int(outcome.exit_code))  # what `neontui migrate` would exit with
        self.load()

    def action_copy(self) -> None:
        self.query_one("#sql", SqlPane).action_copy_statement()

    def action_export_rollback(self) -> None:
        from neontui.core.sql.rollback import rollback_sql

        if self.gate is None or not self.gate.pending.migrations:
            self.notify("Nothing pending to roll back", title="Rollback SQL")
            return
        text = "\n".join(rollback_sql(m) for m in reversed(self.gate.pending.migrations))
        target = self.gate.project.config.root / ".neontui" / "rollback.sql"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        self.copy_to_clipboard(text)
        self.notify(f"Rollback SQL written to {target} and copied", title="Rollback SQL")

    def action_audit(self) -> None:
        from neontui.core.actions.audit import AuditLog

        if self.gate is None:
            return
        log = self.query_one("#log", LogPane)
        for record in AuditLog.for_project(self.gate.project.config.root, self.gate.settings).read(limit=10):
            log.post_line(f"audit {record.get('time')} {record.get('action')} {record.get('result')} "
                          f"{record.get('error') or ''}")

    def action_upgrade(self) -> None:
        """The drizzle 1.0 upgrade preview: it reads the project itself, so it opens even when the load failed."""
        from neontui.core.drizzle.project import load_project
        from neontui.tui.screens.upgrade import UpgradeScreen

        o = self.options
        self.push_screen(UpgradeScreen(lambda: load_project(o.project_dir, config=o.config, out=o.out, url=o.url)))

    def action_batch(self) -> None:
        from neontui.tui.screens.batch import BatchScreen

        if self.gate is None:  # the batch is the loaded gate's: nothing to show before the load
            self.notify("The pending batch shows once the project has loaded", title="Batch")
            return
        self.push_screen(BatchScreen(self.gate))

    def action_help(self) -> None:
        from neontui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def get_key_display(self, binding: Binding) -> str:
        """The footer shows keys as people type them (`?`, `F1`, `Ctrl+P`), a user's [keys] remap included."""
        return binding.key_display or key_display(binding.key)

    def _handle_exception(self, error: Exception) -> None:
        """Never Textual's traceback with locals (a connection string's password would be on screen)."""
        if (ending := termination_code(error)) is not None:  # fallout of a hang-up: leave quietly, no report
            self.exit(None, return_code=ending)
            return
        report = write_crash_report(error)
        self.exit(None, return_code=70, message=redact(f"neontui: internal error: {type(error).__name__}: {error}"
                                     + (f"; details in {report}" if report else "")))


def run_console(options: Options) -> int:
    app = NeontuiApp(options)
    app.run()
    return app.return_code or 0  # 129 after a hang-up, 70 after an internal error
