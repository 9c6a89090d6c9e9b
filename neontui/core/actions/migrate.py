"""One migrate or dry run, end to end: policy, direct endpoint, lock-blocker precheck, restore point, the run
(native or drizzle-kit), ledger verification and the audit record. The CLI and the console both call `execute`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from neontui.core.actions.audit import AuditLog, build_record
from neontui.core.actions.outcome import gated_exit_code
from neontui.core.db.blockers import Blocker, describe, find_blockers
from neontui.core.db.connect import connect
from neontui.core.db.url import direct_url, parse_url
from neontui.core.drizzle.journal import check_nul_bytes
from neontui.core.errors import ConfigError, ExitCode, NeontuiError
from neontui.core.gate.gate import Gate
from neontui.core.gate.policy import Action, Decision
from neontui.core.gate.settings import Settings
from neontui.core.kit.conflicts import FIX_COMMAND, conflict_problems
from neontui.core.migrate.dryrun import DEFAULT_LOCK_TIMEOUT, DryRunReport, dry_run
from neontui.core.migrate.migrator import (
    DEFAULT_OPTIONS,
    MigrateOptions,
    MigrateReport,
    PendingChanged,
    check_runnable,
    migrate,
    refuse_unmatched,
)
from neontui.core.migrate.plan import Plan, build_plan
from neontui.core.migrate.restore import RestorePoint, schema_dump, take_restore_point

if TYPE_CHECKING:
    from neontui.core.neon.backup import NeonBackup


class Engine(StrEnum):
    NATIVE = "native"
    DRIZZLE_KIT = "drizzle-kit"


class KitFailed(NeontuiError):
    exit_code = ExitCode.FAILED


@dataclass
class Outcome:
    action: Action
    decision: Decision
    direct_switch: str | None = None
    blockers: list[Blocker] = field(default_factory=list)
    restore_point: RestorePoint | None = None
    schema_backup: str | None = None  # path of the schema-only pg_dump taken before a production run
    report: MigrateReport | None = None
    dry: DryRunReport | None = None
    applied: list[str] = field(default_factory=list)
    error: NeontuiError | None = None
    kit_output: str | None = None
    backup: NeonBackup | None = None  # the Neon backup branch taken before the first statement (production)

    def restore_commands(self) -> list[str]:
        """The restore point's commands, with the real Neon project and branch when the backup made them known."""
        if self.restore_point is None:
            return []
        if self.backup is None:
            return self.restore_point.restore_commands()
        point = self.restore_point
        if not point.is_neon:  # a Neon target reached through another host name (neon_project): still Neon's way back
            point = replace(point, endpoint_id=self.backup.endpoint_id or f"of branch {self.backup.branch_name}")
        return point.restore_commands(branch=self.backup.branch_id, project_id=self.backup.project_id)

    @property
    def failure(self) -> NeontuiError | None:
        """What went wrong: the run's error, or the dry run's first error (a dry run reports, it does not raise)."""
        return self.error or (self.dry.error if self.dry is not None else None)

    @property
    def exit_code(self) -> ExitCode:
        code = gated_exit_code(self.decision, self.error)
        if code is not None:
            return code
        if self.dry is not None and not self.dry.ok:
            return ExitCode.FAILED
        return ExitCode.OK

    @property
    def blocker_notes(self) -> list[str]:
        """The sessions found holding locks on the batch's tables before the run, one sentence each."""
        return [describe(b) for b in self.blockers]


def run_options(settings: Settings, *, dry: bool, lock_timeout: str | None = None,
                statement_timeout: str | None = None, lock_wait: float = DEFAULT_OPTIONS.lock_wait,
                per_migration: bool = False) -> MigrateOptions:
    """The run's timeouts: the given ones, else neontui.toml's; a dry run's lock_timeout defaults to the dry run's
    short one (it takes real locks on production), not neontui.toml's."""
    default_lock_timeout = DEFAULT_LOCK_TIMEOUT if dry else (settings.lock_timeout or DEFAULT_OPTIONS.lock_timeout)
    default_statement_timeout = settings.statement_timeout or DEFAULT_OPTIONS.statement_timeout
    return MigrateOptions(lock_timeout=lock_timeout or default_lock_timeout,
                          statement_timeout=statement_timeout or default_statement_timeout,
                          lock_wait=lock_wait, per_migration=per_migration)


def check_refusals(gate: Gate) -> None:
    """Raise (exit 3) what any run of this review refuses before anything runs, even when nothing is pending, as
    drizzle-kit 1.0 migrate does: a 1.0 folder it refuses (check_runnable), or a 0.x ledger whose in-place upgrade
    to drizzle 1.0's table would throw on rows that match no folder (the run checks both again under the lock), or
    branches of the history whose statements conflict (drizzle-kit check decides; asked only when the history
    forks). A fork the kit could not check is refused too: neontui cannot tell that its branches commute."""
    journal = gate.pending.journal
    check_runnable(journal)
    upgrade = gate.pending.overview.status.upgrade
    if journal.is_folders and upgrade is not None:
        refuse_unmatched(gate.pending.overview.status.ledger, upgrade)
    conflicts = conflict_problems(gate.project, journal)
    if conflicts:
        more = f" (and {len(conflicts) - 1} more: neontui status lists them)" if len(conflicts) > 1 else ""
        raise ConfigError(f"{conflicts[0].message}{more}; nothing was run",
                          hint=f"merge the branches with {FIX_COMMAND} only if no database ran them"
                          if conflicts[0].code == "conflict" else "install drizzle-kit 1.0 in the project")


def plan(gate: Gate, *, per_migration: bool = False) -> Plan:
    """Where the pending batch's transactions would begin and end on this server: `migrate --plan`, runs nothing."""
    return build_plan(gate.pending.migrations, per_migration=per_migration, server_version=gate.pending.server_version)


def execute(gate: Gate, *, dry: bool = False, engine: Engine = Engine.NATIVE,
            options: MigrateOptions | None = None, typed_confirmation: str | None = None,
            on_event: Callable[[object], None] | None = None,
            on_notice: Callable[[str], None] | None = None) -> Outcome:
    """`on_event` receives the migrator's events, or drizzle-kit's with that engine. Without `options`, the run
    uses neontui.toml's timeouts (`run_options`), whichever front starts it."""
    options = options or run_options(gate.settings, dry=dry)
    notice = on_notice or (lambda _m: None)
    action = Action.DRY_RUN if dry else Action.MIGRATE
    decision = gate.decide(action, typed_confirmation)
    outcome = Outcome(action, decision)
    project = gate.project
    started = time.monotonic()
    if not dry and gate.backup_note is not None:
        notice(gate.backup_note)
    if not decision.allowed:
        _audit(gate, outcome, "refused", started)
        return outcome
    if gate.environment.production and not dry:
        # A production run must leave its record: refuse before anything runs rather than apply unrecorded.
        try:
            AuditLog.for_project(project.config.root, gate.settings).ensure_writable()
        except NeontuiError as exc:
            outcome.error = exc
            return outcome
    for warning in decision.warnings:
        notice(warning)
    url, outcome.direct_switch = direct_url(project.database_url or "")
    if outcome.direct_switch:
        notice(outcome.direct_switch)
    approved = [m.tag for m in gate.pending.migrations]
    journal = gate.pending.journal  # the files as reviewed, not a re-read
    deadline = gate.settings.connect_deadline()
    try:
        check_nul_bytes(journal.entries)  # before the restore point, whichever engine runs the batch
        check_refusals(gate)  # before the restore point: what drizzle-kit 1.0 refuses, refused alike
        if not dry and gate.backup_planned:  # production on Neon: confirmed before the first statement, or nothing
            from neontui.core.actions.backup import before_apply  # runs; only then is Neon's client imported

            outcome.backup = before_apply(gate, notice)
        with connect(url, deadline=deadline) as conn:
            if gate.environment.production:  # sessions in the way of the batch's locks
                outcome.blockers = find_blockers(conn, gate.review.touched)
            if not dry:  # one query: worth having before any run
                outcome.restore_point = take_restore_point(conn, parse_url(url))
        if not dry and gate.environment.production:
            outcome.schema_backup = _schema_backup(gate, url, outcome.restore_point, notice)
        if dry:
            with connect(url, application_name="neontui dry-run", deadline=deadline) as conn:
                outcome.dry = dry_run(conn, journal, project.ledger_schema,
                                      project.ledger_table, lock_timeout=options.lock_timeout,
                                      statement_timeout=options.statement_timeout, lock_wait=options.lock_wait,
                                      on_event=on_event)
        elif engine is Engine.DRIZZLE_KIT:
            _drizzle_kit(gate, url, outcome, approved, options.lock_wait, on_event)
        else:
            outcome.report = migrate(url, journal, project.ledger_schema,
                                     project.ledger_table, options, on_event, expect=approved, deadline=deadline)
            outcome.applied = outcome.report.applied
    except NeontuiError as exc:
        outcome.error = exc
    result = ("dry-run" if outcome.dry is not None and outcome.dry.ok else
              "failed" if outcome.error is not None or outcome.dry is not None else "ok")
    _audit(gate, outcome, result, started)
    return outcome


def _schema_backup(gate: Gate, url: str, point: RestorePoint | None, notice: Callable[[str], None]) -> str | None:
    """Optional: a schema-only pg_dump next to the audit log; a missing or failing pg_dump is only a warning."""
    stamp = (point.time if point else time.strftime("%Y-%m-%dT%H%M%S")).replace(":", "").replace("-", "")[:15]
    dest = gate.project.config.root / ".neontui" / "backups" / f"{stamp}-{gate.pending.database}-schema.sql"
    try:
        path = schema_dump(url, dest, server_version_num=gate.pending.server_version)
    except NeontuiError as exc:
        notice(f"warning: no schema backup: {exc.one_line()}")
        return None
    if path is None:
        notice("note: pg_dump is not installed, so no schema-only backup was taken (the restore point stands)")
        return None
    notice(f"schema-only backup: {path}")
    return str(path)


def _drizzle_kit(gate: Gate, url: str, outcome: Outcome, approved: list[str], lock_wait: float,
                 on_event: Callable[[object], None] | None) -> None:
    """Wrap `drizzle-kit migrate` (locked, on the reviewed files: kit_migrate), then verify the ledger ourselves
    (its output is identical for zero or many applied) and explain a failure with the replay (it prints nothing)."""
    from neontui.core.kit.migrate import kit_migrate  # node-specific: imported only for this engine

    run = kit_migrate(gate.project, gate.pending.journal, url, approved, lock_wait=lock_wait,
                      on_event=on_event or (lambda _e: None), deadline=gate.settings.connect_deadline())
    outcome.kit_output = "\n".join(run.lines)
    by_hash = {m.hash: m.tag for m in gate.pending.migrations}
    outcome.applied = [by_hash.get(r.hash, r.hash[:12]) for r in run.added]
    if run.replay is not None:
        from neontui.core.kit.migrate_output import migrate_failure

        last = next((line for line in reversed(run.lines) if line.strip()), "no output")
        replayed = run.replay.error.one_line() if run.replay.error else f"exit {run.returncode}: {last}"
        said = migrate_failure(run.lines)  # 1.0 prints the driver's error; 0.31 prints nothing
        outcome.error = KitFailed(f"drizzle-kit migrate failed (exit {run.returncode}): {said}" if said else
                                  f"drizzle-kit migrate failed (exit {run.returncode}, it printed no reason); "
                                  f"neontui's replay found: {replayed}")
        outcome.dry = run.replay
    elif [(r.hash, r.created_at) for r in run.added] != [(m.hash, m.when) for m in gate.pending.migrations]:
        outcome.error = PendingChanged(f"drizzle-kit recorded {outcome.applied or 'nothing'} in the ledger, but the "
                                       f"reviewed batch was {approved} with the reviewed hashes")


def _audit(gate: Gate, outcome: Outcome, result: str, started: float) -> None:
    failure = outcome.failure
    error = failure.one_line() if failure else None
    if not outcome.decision.allowed:
        error = "; ".join(outcome.decision.reasons)
    details = {"applied": outcome.applied, "direct_switch": outcome.direct_switch,
               "blockers": len(outcome.blockers), "schema_backup": outcome.schema_backup,
               "backup": outcome.backup.to_json() if outcome.backup is not None else None}
    record = build_record(str(outcome.action), project_root=gate.project.config.root,
                          url=gate.project.database_url, environment=gate.environment,
                          migrations=gate.pending.migrations, checklist=gate.checklist,
                          restore_point=outcome.restore_point, result=result,
                          duration_s=round(time.monotonic() - started, 3), error=error, details=details)
    if record.restore_point is not None:  # with the real Neon ids once the backup made them known
        record.restore_point["commands"] = outcome.restore_commands()
    AuditLog.for_project(gate.project.config.root, gate.settings).append(record)
