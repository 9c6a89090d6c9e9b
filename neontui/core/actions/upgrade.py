"""`upgrade`: the safe path from a drizzle 0.x migrations folder to the 1.0 layout (drizzle-kit 1.0's `up`).

Gate, run, audit, like the other actions:

1. preview (files only, neontui.core.drizzle.upgrade) plus, for every configured database (the project's URL and the
   targets of neontui.toml whose URL is known here), how drizzle 1.0's first migrate will map its ledger rows to the
   new folders. A database that cannot be reached is reported, never fatal.
2. `--repair` rewrites snapshot files only (neontui.core.drizzle.snapshot_repair), then previews again.
3. `--apply` refuses (exit 2) while anything blocks: a problem `up` refuses, a ledger row no folder matches (the
   1.0 migrator throws) or an applied migration that would be pending again; exit 3 when the project's drizzle-kit
   is not the 1.0 line (0.31's `up` only upgrades snapshots). Then it runs the project's real `drizzle-kit up` and
   verifies: the folder reads as the 1.0 layout with the predicted folder names, and every reachable database maps
   every row with nothing it applied pending again.
4. One audit record for each --repair / --apply (ok, refused or failed).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from neontui import __version__
from neontui.core.actions.audit import AuditLog, build_record
from neontui.core.db.connect import catalog_reads, connect
from neontui.core.db.url import parse_url
from neontui.core.drizzle.journal import Migration, read_journal
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.ledger import Ledger, read_ledger
from neontui.core.drizzle.pending import name_pending, pending_entries, predict_v1_upgrade
from neontui.core.drizzle.project import Project
from neontui.core.drizzle.snapshot_repair import SnapshotChange, apply_repair, plan_repair
from neontui.core.drizzle.upgrade import PREVIEW_SCHEMA_VERSION, Preview, preview
from neontui.core.errors import ConfigError, ExitCode, NeontuiError
from neontui.core.gate.environment import same_target
from neontui.core.gate.settings import Settings, load_settings
from neontui.core.kit import commands
from neontui.core.kit.commands import EventSink, KitResult
from neontui.core.kit.prereqs import TESTED_DRIZZLE_V1, detect_package_manager, dev_install_command, find_drizzle_kit

KIT_V1 = TESTED_DRIZZLE_V1  # the 1.0 release neontui's upgrade is tested with
# The folders.py issue codes of a history drizzle-kit 1.0 migrate refuses.
HISTORY_CODES = ("snapshot", "snapshot-version", "broken-history", "second-base", "folder-order", "folder-name")
PROJECT_DATABASE = "project"  # the label of the project's own URL (config, .env or --url)


class KitTooOld(ConfigError):
    """The project's drizzle-kit is not the 1.0 line: its `up` would only upgrade the snapshots."""


@dataclass
class DatabaseMapping:
    """One configured database's ledger against the folders the upgrade makes."""

    name: str  # PROJECT_DATABASE or a neontui.toml target
    target: str  # host/database, no secret
    error: str | None = None  # why it could not be read; None when it was
    ledger: Ledger | None = None
    names: dict[int, str] = field(default_factory=dict)  # ledger row id → the folder it will carry
    unmatched: list[int] = field(default_factory=list)  # rows no folder matches: the 1.0 migrator throws
    reapplied: list[str] = field(default_factory=list)  # folders of applied migrations that would run again
    pending: list[str] = field(default_factory=list)  # folders 1.0 would run next
    applied: list[str] = field(default_factory=list)  # folders of the migrations 0.x counts as applied here

    @property
    def reachable(self) -> bool:
        return self.error is None

    @property
    def problems(self) -> list[str]:
        found = []
        if self.unmatched:
            found.append(f"{self.name}: ledger row(s) {', '.join(map(str, self.unmatched))} match no folder: "
                         "drizzle 1.0's migrate will throw (\"missing from the local environment\")")
        if self.reapplied:
            found.append(f"{self.name}: {', '.join(self.reapplied)} applied but pending again under drizzle 1.0: "
                         "its migrate would run them a second time")
        return found

    def to_json(self) -> dict[str, Any]:
        ledger = self.ledger
        return {"name": self.name, "target": self.target, "reachable": self.reachable, "error": self.error,
                "ledger": None if ledger is None else {
                    "table": ledger.qualified_name, "exists": ledger.exists, "rows": len(ledger.rows),
                    "format": ("1.0" if ledger.is_v1 else "0.x") if ledger.exists else None},
                "names": {str(k): v for k, v in self.names.items()}, "unmatched": self.unmatched,
                "applied": self.applied, "reapplied": self.reapplied, "pending": self.pending}


@dataclass
class UpgradeReport:
    project: Project
    preview: Preview
    kit_version: str | None
    databases: list[DatabaseMapping]
    repair: list[SnapshotChange] = field(default_factory=list)  # planned (preview) or written (--repair)
    repaired: bool = False
    result: KitResult | None = None  # drizzle-kit up, when it ran
    verify: list[str] = field(default_factory=list)  # what the check after `up` found wrong
    verified: bool = False
    refused: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Everything that blocks the upgrade: `up`'s refusals and the databases' mapping."""
        found = [p.message for p in self.preview.blocking]
        for db in self.databases:
            found += db.problems
        return found

    @property
    def kit_is_v1(self) -> bool:
        return bool(self.kit_version and self.kit_version.split(".")[0] == "1")

    @property
    def exit_code(self) -> ExitCode:
        if self.result is not None:
            return ExitCode.OK if self.result.ok and self.verified else ExitCode.ERROR
        return ExitCode.PROBLEMS if self.problems or self.refused else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        """The `neontui upgrade --json` document (README.md, "upgrade --json")."""
        out = self.project.out_dir
        return {
            "schema_version": PREVIEW_SCHEMA_VERSION, "neontui_version": __version__,
            "project": {"config": str(self.project.config.path), "out": str(out)},
            "kit": {"version": self.kit_version, "v1": self.kit_is_v1, "install": install_hint(self.project)},
            **self.preview.to_json(),
            "databases": [db.to_json() for db in self.databases],
            "repair": {"written": self.repaired, "changes": [c.to_json(out) for c in self.repair]},
            "applied": None if self.result is None else {
                "ok": self.result.ok, "summary": self.result.summary, "verified": self.verified,
                "verify_failures": self.verify},
            "refused": self.refused, "blocking": self.problems, "exit_code": int(self.exit_code),
        }


def install_hint(project: Project) -> str:
    """Both packages: the 1.0 drizzle-kit refuses to run with a 0.x drizzle-orm."""
    manager = detect_package_manager(project.config.root)
    kit = dev_install_command(manager, f"drizzle-kit@{KIT_V1}")
    orm = dev_install_command(manager, f"drizzle-orm@{KIT_V1}").replace(" -D ", " ").replace(" -d ", " ")
    return f"{kit} && {orm}"


def configured_databases(project: Project, settings: Settings,
                         environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(name, URL) of the project's URL and each neontui.toml target whose variable is set, one per database."""
    environ = os.environ if environ is None else environ
    found: list[tuple[str, str]] = []
    if project.database_url:
        found.append((PROJECT_DATABASE, project.database_url))
    for name, target in sorted(settings.targets.items()):
        url = target.url_env and (project.env.get(target.url_env) or environ.get(target.url_env))
        if url and not any(same_target(url, known) or url == known for _, known in found):
            found.append((name, url))
    return found


def read_database(project: Project, name: str, url: str, deadline: float,
                  on_retry: Callable[[int, str], None] | None = None) -> tuple[str, Ledger | None, str | None]:
    """(target, ledger, None), or (target, None, why) when it cannot be read."""
    try:
        parsed = parse_url(url)
        target = parsed.display_target()
        with connect(url, deadline=deadline, on_retry=on_retry) as conn, catalog_reads(conn, parsed):
            return target, read_ledger(conn, project.ledger_schema, project.ledger_table), None
    except NeontuiError as exc:
        return locals().get("target", name), None, exc.one_line()


def map_ledger(mapping: DatabaseMapping, entries: list[Migration], applied: set[str]) -> None:
    """Fill `mapping` from its ledger: the 1.0 upgrade of its rows onto `entries` (1.0 migrations) and which of the
    `applied` folders would be pending again."""
    ledger = mapping.ledger
    mapping.applied = sorted(applied)
    if ledger is None or not ledger.exists:
        mapping.pending = [e.tag for e in entries]
        return
    if ledger.is_v1:
        rows = list(ledger.rows)
        mapping.names = {r.id: r.name for r in rows if r.name is not None}
    else:
        upgrade = predict_v1_upgrade(entries, ledger.rows)
        mapping.names, mapping.unmatched = upgrade.names, upgrade.unmatched
        rows = upgrade.upgraded_rows(ledger.rows)
    pending = name_pending(sorted(entries, key=lambda e: e.tag), rows)
    mapping.pending = [e.tag for e in pending]
    mapping.reapplied = [tag for tag in mapping.pending if tag in applied]


def applied_folders(plan: Preview, journal_entries: list[Migration], ledger: Ledger | None) -> set[str]:
    """The new folders of the journal entries this ledger records as run: a row with the entry's hash and `when`
    (what drizzle 0.x writes), not the high-water mark, which also counts entries it skipped and never ran."""
    if ledger is None or not ledger.exists:
        return set()
    if ledger.is_v1:
        return {r.name for r in ledger.rows if r.name}
    recorded = {(r.hash, r.created_at) for r in ledger.rows}
    return {folder for e in journal_entries if (e.hash, e.when) in recorded and (folder := plan.folder_of(e.tag))}


def preview_upgrade(project: Project, *, settings: Settings | None = None, environ: Mapping[str, str] | None = None,
                    on_retry: Callable[[int, str], None] | None = None) -> UpgradeReport:
    """The preview: files, the planned snapshot repair and every configured database's mapping. Changes nothing."""
    settings = settings or load_settings(project.config.root)
    plan = preview(project.out_dir)
    found = find_drizzle_kit(project.config.root)
    report = UpgradeReport(project, plan, found[1] if found else None, [])
    if plan.needed:
        report.repair = _planned_repair(plan)
        old = list(read_journal(project.out_dir).entries)
        deadline = settings.connect_deadline(environ)
        for name, url in configured_databases(project, settings, environ):
            target, ledger, error = read_database(project, name, url, deadline, on_retry)
            mapping = DatabaseMapping(name, target, error, ledger)
            if ledger is not None:
                map_ledger(mapping, plan.entries, applied_folders(plan, old, ledger))
            report.databases.append(mapping)
    return report


def _planned_repair(plan: Preview) -> list[SnapshotChange]:
    if not plan.repairable:
        return []
    try:
        return plan_repair(plan)
    except NeontuiError:
        return []


def upgrade(project: Project, *, apply: bool, repair: bool, on_event: EventSink, settings: Settings | None = None,
            environ: Mapping[str, str] | None = None,
            on_retry: Callable[[int, str], None] | None = None) -> UpgradeReport:
    """Preview, and with `repair` / `apply` change the files (audited). Raises KitTooOld (exit 3) for --apply with a
    0.x drizzle-kit, after recording the refusal."""
    settings = settings or load_settings(project.config.root)
    report = preview_upgrade(project, settings=settings, environ=environ, on_retry=on_retry)
    if not (apply or repair) or not report.preview.needed:
        return report
    log = AuditLog.for_project(project.config.root, settings)
    started = time.monotonic()
    try:
        if repair and report.preview.blocking:
            report = _repair(project, report, settings, environ)
        if apply:
            _apply(project, report, on_event)
    except NeontuiError as exc:
        _audit(log, project, report, started, error=exc.one_line())
        raise
    _audit(log, project, report, started)
    return report


def _repair(project: Project, report: UpgradeReport, settings: Settings,
            environ: Mapping[str, str] | None) -> UpgradeReport:
    """Write the repaired snapshots when every blocking file problem is repairable; preview again."""
    plan = report.preview
    if not plan.repairable:
        report.refused = ["--repair fixes snapshot files only; first fix: "
                          + "; ".join(p.message for p in plan.blocking if not p.repairable)]
        return report
    changes = plan_repair(plan)
    apply_repair(changes)
    again = preview_upgrade(project, settings=settings, environ=environ)
    again.repair, again.repaired = changes, True
    return again


def _apply(project: Project, report: UpgradeReport, on_event: EventSink) -> None:
    if report.refused:
        return
    if report.problems:
        hint = " (run with --repair: it rewrites snapshot files only)" if report.preview.repairable else ""
        report.refused = [f"drizzle-kit up was not run: {len(report.problems)} problem(s){hint}"]
        return
    if not report.kit_is_v1:
        raise KitTooOld(f"the project's drizzle-kit is {report.kit_version or 'not installed'}, not the 1.0 line: "
                        "its up only upgrades snapshots and keeps meta/_journal.json", hint=install_hint(project))
    report.result = commands.up(project, on_event=on_event)
    if report.result.ok:
        report.verify = verify(project, report)
        report.verified = not report.verify


def verify(project: Project, report: UpgradeReport) -> list[str]:
    """What is wrong after `up`: the layout, the folder names, and each reachable database's mapping."""
    try:
        journal = read_migrations(project.out_dir)
    except NeontuiError as exc:
        return [f"the folder does not read as drizzle 1.0 migrations: {exc.one_line()}"]
    failures = [] if journal.is_folders else ["the folder still holds meta/_journal.json"]
    folders = journal.folders
    if folders is not None:
        # What drizzle-kit 1.0 migrate checks in the history first: the upgrade must leave one straight line.
        failures += [i.message for i in folders.issues if i.code in HISTORY_CODES]
        failures += [f"{parent} has several children ({', '.join(kids)}): a fork drizzle-kit 1.0 may refuse"
                     for parent, kids in folders.branches]
    made, predicted = [e.tag for e in journal.entries], [e.tag for e in report.preview.entries]
    if made != predicted:
        failures.append(f"drizzle-kit up made {', '.join(made)}; the preview predicted {', '.join(predicted)}")
    for db in report.databases:
        if db.ledger is None:
            continue
        applied = set(db.applied)
        upgrade_rows = predict_v1_upgrade(journal.entries, db.ledger.rows) if not db.ledger.is_v1 else None
        if upgrade_rows is not None and upgrade_rows.unmatched:
            failures.append(f"{db.name}: ledger rows {upgrade_rows.unmatched} match no folder")
        again = [e.tag for e in pending_entries(journal, db.ledger) if e.tag in applied]
        if again:
            failures.append(f"{db.name}: {', '.join(again)} applied but pending under drizzle 1.0")
    return failures


def _audit(log: AuditLog, project: Project, report: UpgradeReport, started: float, *,
           error: str | None = None) -> None:
    ran = report.result is not None
    result = ("failed" if error or (ran and report.exit_code) else "refused" if report.refused or
              (not ran and report.problems) else "ok")
    failure = error or "; ".join(report.refused or report.verify) or (
        report.result.summary if report.result and not report.result.ok else None)
    details = {"repaired": [c.to_json(project.out_dir) for c in report.repair] if report.repaired else [],
               "folders": [e.tag for e in report.preview.entries], "ran_up": ran, "verified": report.verified,
               "kit_version": report.kit_version}
    log.append(build_record("upgrade", project_root=project.config.root, url=project.database_url, environment=None,
                            result=result, duration_s=time.monotonic() - started, error=failure, details=details))


def report_lines(report: UpgradeReport) -> list[str]:
    """The preview as text, the same for the CLI and the console. "  ✗" starts a blocking line, "  !" a note."""
    plan, out = report.preview, report.project.out_dir
    if not plan.needed:
        return [f"{out}: already the drizzle 1.0 layout (one folder per migration): nothing to upgrade"]
    lines = [f"{out}: drizzle 0.x journal → drizzle 1.0 folders (drizzle-kit up, {KIT_V1})",
             f"drizzle-kit {report.kit_version or 'not installed'}"
             + ("" if report.kit_is_v1 else f": --apply needs the 1.0 line: {install_hint(report.project)}")]
    # What needs a decision comes first; the long list of renames after it (a real project has hundreds).
    lines += _problem_lines(report)
    lines += _database_lines(report)
    lines += ["", f"migrations ({len(plan.moves)}): journal tag → folder"]
    width = max((len(m.tag) for m in plan.moves), default=0)
    for m in plan.moves:
        converted = f"snapshot v{m.snapshot.version} → v9" if m.snapshot.id else "no usable snapshot"
        lines.append(f"  {m.tag:<{width}}  →  {m.folder or '?'}/  ({m.lost_ms} ms lost, {converted})")
    return lines + _result_lines(report)


def _problem_lines(report: UpgradeReport) -> list[str]:
    plan, out = report.preview, report.project.out_dir
    lines: list[str] = []
    for p in plan.problems:
        mark = "✗" if p.blocking else "!"
        lines.append(f"  {mark} {p.code}{' (repairable)' if p.blocking and p.repairable else ''}: {p.message}")
    for path in plan.loose_files:
        lines.append(f"  ! loose: {path.relative_to(out)} is not in the journal: up leaves it at the top of the "
                     "folder, where drizzle 1.0 never runs it")
    if report.repair:
        lines.append("")
        lines.append("snapshot repair " + ("written:" if report.repaired else "planned (--repair; SQL files and the "
                                           "journal are not touched):"))
        lines += [f"  {c.change}: {c.path.relative_to(out)} ({c.tag}): {c.detail}" for c in report.repair]
    return ["", *lines] if lines else []


def _database_lines(report: UpgradeReport) -> list[str]:
    lines = ["", "databases (how drizzle 1.0's first migrate maps each ledger):"] if report.databases else \
        ["", "databases: none configured (no URL, no neontui.toml targets with a URL)"]
    for db in report.databases:
        if not db.reachable:
            lines.append(f"  ! {db.name} ({db.target}): not reached: {db.error}")
            continue
        rows = len(db.ledger.rows) if db.ledger is not None and db.ledger.exists else 0
        lines.append(f"  {db.name} ({db.target}): {rows} ledger row(s), {len(db.names)} mapped, "
                     f"{len(db.pending)} pending after the upgrade")
        lines += [f"  ✗ {problem}" for problem in db.problems]
    return lines


def _result_lines(report: UpgradeReport) -> list[str]:
    lines: list[str] = []
    if report.result is not None:
        lines += ["", f"drizzle-kit up: {report.result.summary}"]
        lines += [f"  ✗ {failure}" for failure in report.verify]
        if report.verified:
            lines.append("verified: 1.0 layout with the predicted folders; every ledger row maps, nothing applied "
                         "is pending again")
    return lines
