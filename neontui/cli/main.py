"""neontui's command line: every subcommand is a thin layer over neontui.core, with JSON output and exit codes.

Errors are printed as one line (`neontui: error: …`) with a documented exit code; unexpected exceptions leave
a redacted crash report and never a traceback on the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from neontui import __version__
from neontui.core.crash import write_crash_report
from neontui.core.errors import ExitCode, NeontuiError, UsageError
from neontui.core.redact import redact

COMMANDS = ("console", "status", "doctor", "demo", "lint", "rollback-sql", "checklist", "migrate", "audit",
            "generate", "push", "check", "up", "studio")
STATE_SYMBOLS = {
    "applied": ("✓", "32"), "pending": ("→", "33"), "edited": ("✎", "31"), "skipped": ("⤼", "31"),
    "missing-file": ("✗", "31"), "ledger-only": ("?", "35"), "unlisted-file": ("+", "35"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see neontui {self.prog.split()[-1]} --help)"
                         if " " in self.prog else f"{message} (see neontui --help)")


# argparse `type=` functions: a bad flag value is a usage error (exit 64) naming the flag, never a failure later
# (a timeout PostgreSQL rejects would otherwise be reported as the first statement failing).

def _duration(text: str) -> str:
    from neontui.core.gate.settings import postgres_duration  # the same check as neontui.toml's timeouts

    try:
        return postgres_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:  # nan never times out, and inf is no bound either
        raise argparse.ArgumentTypeError(f"must be a number of seconds, 0 or more, found {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, found {text!r}")
    return value


def _port(text: str) -> int:
    from neontui.core.kit.studio import PORTS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value not in PORTS:
        raise argparse.ArgumentTypeError(f"must be a port number from {PORTS.start} to {PORTS.stop - 1}, "
                                         f"found {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="neontui", description="A console for Drizzle migrations on Neon PostgreSQL.")
    parser.add_argument("--version", action="version", version=f"neontui {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def project_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                       help="the Drizzle project (default: the current directory)")
        p.add_argument("--config", type=Path, help="path of drizzle.config.* (skips discovery)")
        p.add_argument("--out", help="migrations folder, overriding the config's `out`")
        p.add_argument("--url", help="database URL, overriding the config's dbCredentials.url")
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    console = sub.add_parser("console", help="the interactive console (the default on a terminal)")
    project_args(console)
    console.add_argument("--env", help="production or development (overrides NEONTUI_ENV and neontui.toml)")
    console.add_argument("--target", help="a target name from neontui.toml")
    status = sub.add_parser("status", help="every migration's state against the database's ledger",
                            description="Exit codes: 0 nothing pending, 1 pending migrations, 2 problems "
                                        "(edited, skipped, missing files, unknown ledger rows…), "
                                        "3 configuration, connection or permission error, 5 the ledger is locked "
                                        "by another session (retry).")
    project_args(status)
    doctor = sub.add_parser("doctor", help="check the prerequisites: config, dialect, URL, drizzle-kit, node")
    project_args(doctor)
    lint = sub.add_parser("lint", help="review migration SQL for data loss, blocking locks, rewrites and breakage",
                          description="With no PATHS, reviews the project's pending migrations (needs the database). "
                                      "PATHS are .sql files or migrations folders, reviewed as one run in order. "
                                      "Exit code 1 when an error-severity finding is present (or a warning, with "
                                      "--fail-on warning).")
    lint.add_argument("paths", nargs="*", type=Path, metavar="PATHS")
    lint.add_argument("--pending", action="store_true", help="review the pending migrations of the project")
    lint.add_argument("--project", type=Path, default=Path("."), help="the Drizzle project (default: .)")
    lint.add_argument("--config", type=Path, help="path of drizzle.config.*")
    lint.add_argument("--out", help="migrations folder, overriding the config's `out`")
    lint.add_argument("--url", help="database URL, overriding the config's")
    lint.add_argument("--format", choices=("text", "json", "github"), default="text")
    lint.add_argument("--pg-version", help="server version for version-dependent rules (default: the connected "
                                           "server's, else the newest)")
    lint.add_argument("--mode", choices=("transaction", "planned", "autocommit"), default="transaction",
                      help="transaction: drizzle-kit migrate (default); planned: neontui migrate, which runs "
                           "CONCURRENTLY and the files' own COMMITs as separate steps; autocommit: drizzle's "
                           "neon-http migrator")
    lint.add_argument("--advisory", action="store_true", help="also show advisory (info) findings")
    lint.add_argument("--enable", action="append", default=[], metavar="RULE", help="enable an off-by-default rule")
    lint.add_argument("--fail-on", choices=("error", "warning"), default="error")
    checklist = sub.add_parser("checklist", help="the safety checklist of the pending migrations, and what it unlocks",
                               description="Shows the checklist for the pending batch (seed items plus items derived "
                                           "from the review), toggles items, and says whether migrate and push may "
                                           "run. Exit codes: 0 complete, 1 items unchecked, 3 error.")
    project_args(checklist)
    checklist.add_argument("--check", action="append", default=[], metavar="ID", help="check an item (repeatable)")
    checklist.add_argument("--uncheck", action="append", default=[], metavar="ID", help="uncheck an item")
    checklist.add_argument("--env", help="production or development (overrides NEONTUI_ENV and neontui.toml)")
    checklist.add_argument("--target", help="a target name from neontui.toml")
    migrate = sub.add_parser(
        "migrate", help="apply the pending migrations (or --dry-run them) with a lock, timeouts and a restore point",
        description="Exit codes: 0 applied (or nothing pending), 1 refused by the production policy, 3 "
                    "configuration or connection error, 4 a statement failed, 5 retryable (another run holds the "
                    "lock, lock_timeout fired, or the pending set changed).")
    project_args(migrate)
    migrate.add_argument("--dry-run", action="store_true", help="run the batch in a transaction and roll it back")
    migrate.add_argument("--engine", choices=("native", "drizzle-kit"), default="native")
    migrate.add_argument("--lock-timeout", type=_duration, help="e.g. 5s (default: neontui.toml, else 5s; dry run 2s)")
    migrate.add_argument("--statement-timeout", type=_duration, help="e.g. 10min (default: neontui.toml, else off)")
    migrate.add_argument("--lock-wait", type=_seconds, default=10.0, help="seconds to wait for another run (10)")
    migrate.add_argument("--per-migration", action="store_true", help="one transaction per migration")
    migrate.add_argument("--plan", action="store_true", help="print where transactions begin and end, run nothing")
    migrate.add_argument("--env", help="production or development (overrides NEONTUI_ENV and neontui.toml)")
    migrate.add_argument("--target", help="a target name from neontui.toml")
    migrate.add_argument("--confirm", metavar="DATABASE", help="the database name, to confirm a production run")
    migrate.add_argument("--yes", action="store_true", help="never prompt (a production run then needs --confirm)")
    from neontui.cli.kit import add_prompt_flags

    generate = sub.add_parser("generate", help="drizzle-kit generate, with its questions answered and the result "
                              "read from the files", description="Exit codes: 0 created a migration or no changes, "
                              "4 nothing written because of an error, a collision or an unanswered question.")
    project_args(generate)
    generate.add_argument("--name", help="the migration's name")
    generate.add_argument("--custom", action="store_true", help="an empty migration for hand-written SQL")
    add_prompt_flags(generate)
    push = sub.add_parser("push", help="drizzle-kit push (development): its errors detected even when it exits 0",
                          description="Exit codes: 0 applied or no changes, 1 refused (production), 4 failed or "
                                      "aborted.")
    project_args(push)
    for flag in ("--strict", "--verbose", "--force"):
        push.add_argument(flag, action="store_true", help=f"drizzle-kit push {flag}")
    push.add_argument("--accept-data-loss", action="store_true", help="answer Yes at the data-loss question")
    push.add_argument("--truncate", action=argparse.BooleanOptionalAction, default=None,
                      help="answer the truncate question (default: ask, or abort without a terminal)")
    push.add_argument("--env", help="production or development")
    push.add_argument("--target", help="a target name from neontui.toml")
    push.add_argument("--confirm", metavar="DATABASE", help="the database name, to confirm a production push")
    add_prompt_flags(push)
    for name, text in (("check", "drizzle-kit check: journal and snapshot consistency"),
                       ("up", "drizzle-kit up: upgrade old snapshots")):
        project_args(sub.add_parser(name, help=text))
    studio = sub.add_parser("studio", help="start Drizzle Studio, report its URL, stop it with Ctrl-C")
    project_args(studio)
    studio.add_argument("--port", type=_port, default=4983)
    studio.add_argument("--host", default="127.0.0.1")
    audit = sub.add_parser("audit", help="the project's audit log (.neontui/audit.jsonl)")
    audit.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR")
    audit.add_argument("--config", type=Path, help="path of drizzle.config.*")
    audit.add_argument("--limit", type=_count, default=20, help="the newest N records (default 20; 0: all)")
    audit.add_argument("--json", action="store_true")
    rollback = sub.add_parser("rollback-sql", help="derive the rollback SQL of a migration")
    rollback.add_argument("tag", metavar="TAG", help="the migration's tag, or a unique prefix such as 0003")
    rollback.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR")
    rollback.add_argument("--config", type=Path, help="path of drizzle.config.*")
    rollback.add_argument("--out", help="migrations folder, overriding the config's `out`")
    rollback.add_argument("--output", "-o", type=Path, help="write the SQL to this file instead of stdout")
    demo = sub.add_parser("demo", help="a sample project on an embedded PostgreSQL (no Neon account needed)")
    demo.add_argument("--dir", type=Path, help="where to create the demo (default: ~/.local/share/neontui/demo)")
    demo.add_argument("--json", action="store_true", help="print the status as JSON")
    demo.add_argument("--install", action="store_true",
                      help="also npm install the sample's drizzle-kit, so generate, push and studio work")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    default = "console" if sys.stdin.isatty() and sys.stdout.isatty() else "status"
    if args_list and not args_list[0].startswith("-") and args_list[0] not in COMMANDS:
        args_list.insert(0, default)  # `neontui PROJECT_DIR`
    if not args_list:
        args_list = [default]
    json_mode = "--json" in args_list
    _exit_on_termination()
    try:
        args = build_parser().parse_args(args_list)
        return int(_run(args))
    except NeontuiError as exc:
        return _fail(exc.one_line(), exc.exit_code, json_mode, kind=getattr(exc, "kind", None))
    except KeyboardInterrupt:
        return _fail("interrupted", ExitCode.INTERRUPTED, json_mode)
    except Exception as exc:  # the last line of defence: a report file instead of a traceback
        report = write_crash_report(exc)
        where = f"; details in {report}" if report else ""
        return _fail(f"internal error: {type(exc).__name__}: {exc}{where}", ExitCode.INTERNAL, json_mode)


def _exit_on_termination() -> None:
    """SIGTERM/SIGHUP end neontui through SystemExit, so atexit hooks run (a started studio is stopped)."""
    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        with contextlib.suppress(ValueError, AttributeError):  # not the main thread / not on this platform
            signal.signal(getattr(signal, name), terminate)


def _run(args: argparse.Namespace) -> ExitCode:
    if args.command == "demo":
        return _demo(args)
    if args.command == "console":
        from neontui.tui.app import Options, run_console

        if not Path(args.project_dir).exists():
            raise UsageError(f"project directory {args.project_dir} does not exist")
        return ExitCode(run_console(Options(Path(args.project_dir), config=args.config, out=args.out, url=args.url,
                                            env=args.env, target=args.target)))
    if args.command == "lint":
        return _lint(args)
    if args.command == "rollback-sql":
        return _rollback(args)
    if args.command == "checklist":
        return _checklist(args)
    if args.command == "migrate":
        from neontui.cli.migrate import migrate_command

        return migrate_command(args, _load_project(Path(args.project_dir), args))
    if args.command == "audit":
        return _audit(args)
    if args.command in ("generate", "push", "check", "up"):
        from neontui.cli.kit import run_kit_command

        return run_kit_command(args, _load_project(Path(args.project_dir), args))
    if args.command == "studio":
        from neontui.cli.kit import run_studio

        return run_studio(args, _load_project(Path(args.project_dir), args))
    start = Path(args.project_dir)
    if args.command == "doctor":
        return _doctor(start, args)
    return _status(start, args)


def _load_project(start: Path, args: argparse.Namespace):
    from neontui.core.drizzle.project import load_project

    if not start.exists():
        raise UsageError(f"project directory {start} does not exist")
    return load_project(start, config=args.config, out=args.out, url=getattr(args, "url", None))


def _connect_deadline(project: Any) -> float:
    """How long connecting may take, from NEONTUI_CONNECT_TIMEOUT or the project's neontui.toml."""
    from neontui.core.gate.settings import load_settings

    return load_settings(project.config.root).connect_deadline()


def _lint(args: argparse.Namespace) -> ExitCode:
    from neontui.cli.lint_output import display_path, render
    from neontui.core.gate.pending import pending_sources
    from neontui.core.safety import RunMode, Severity, analyze
    from neontui.core.safety.inputs import sources_from_paths
    from neontui.core.safety.versions import LATEST, parse_version

    pg_version = None
    if args.pg_version:
        try:
            pg_version = parse_version(args.pg_version)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    columns = None
    if args.paths and not args.pending:
        sources = sources_from_paths(args.paths)
    else:
        project = _load_project(args.project, args)
        pending = pending_sources(project, deadline=_connect_deadline(project))
        sources, columns = pending.sources, pending.column_types
        pg_version = pg_version or pending.server_version
    review = analyze(sources, mode=RunMode(args.mode), pg_version=pg_version or LATEST, enable=args.enable,
                     advisory=args.advisory, known_columns=columns)
    paths = {s.tag: display_path(s.path) if s.path else s.tag for s in sources}
    render(review, paths, args.format, sys.stdout, show_info=args.advisory)
    live = [f for f in review.findings if not f.suppressed]
    failing = {Severity.ERROR} | ({Severity.WARNING} if args.fail_on == "warning" else set())
    return ExitCode.PENDING if any(f.severity in failing for f in live) else ExitCode.OK


def _checklist(args: argparse.Namespace) -> ExitCode:
    from neontui.core.gate.gate import open_gate

    gate = open_gate(_load_project(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     review=True)
    for item_id in args.check:
        gate.checklist.check(item_id)
    for item_id in args.uncheck:
        gate.checklist.uncheck(item_id)
    if (args.check or args.uncheck) and not gate.save():
        _note("warning: the checklist could not be saved")
    done, total = gate.checklist.progress
    decisions = {action: gate.decide(action) for action in ("migrate", "push")}
    if args.json:
        _print_json({
            "environment": {"name": gate.environment.name, "production": gate.environment.production,
                            "reason": gate.environment.reason, "target": gate.environment.target},
            "pending": [m.tag for m in gate.pending.migrations], "progress": {"done": done, "total": total},
            "complete": gate.checklist.complete,
            "items": [{"id": i.id, "label": i.label, "checked": i.checked, "derived": i.derived,
                       "can_check": i.can_check, "detail": i.detail} for i in gate.checklist.items],
            "actions": {a: {"allowed": d.allowed, "reasons": list(d.reasons), "confirmation": d.confirmation}
                        for a, d in decisions.items()},
        })
    else:
        env = gate.environment
        print(f"{'PRODUCTION' if env.production else 'development'} ({env.reason})")
        print(f"pending: {', '.join(m.tag for m in gate.pending.migrations) or 'nothing'}")
        print(f"checklist {done}/{total}")
        for item in gate.checklist.items:
            mark = "x" if item.checked else ("!" if not item.can_check else " ")
            print(f"  [{mark}] {item.id:<30} {item.label}")
        for action, decision in decisions.items():
            state = "allowed" if decision.allowed else "; ".join(decision.reasons)
            print(f"{action}: {state}")
    return ExitCode.OK if gate.checklist.complete else ExitCode.PENDING


def _audit(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.audit import AuditLog, format_records
    from neontui.core.gate.settings import load_settings

    project = _load_project(Path(args.project_dir), argparse.Namespace(config=args.config, out=None))
    log = AuditLog.for_project(project.config.root, load_settings(project.config.root))
    records = log.read(limit=args.limit or None)
    if args.json:
        _print_json({"path": str(log.path), "records": records})
    else:
        format_records(records, sys.stdout)
    return ExitCode.OK


def _rollback(args: argparse.Namespace) -> ExitCode:
    from neontui.core.drizzle.journal import read_journal
    from neontui.core.sql.rollback import rollback_sql

    project = _load_project(Path(args.project_dir), args)
    entries = read_journal(project.out_dir).entries
    matches = [e for e in entries if e.tag == args.tag] or [e for e in entries if e.tag.startswith(args.tag)]
    if len(matches) != 1:
        known = ", ".join(e.tag for e in entries[-5:]) or "none"
        what = "is ambiguous" if matches else "is not in the journal"
        raise UsageError(f"migration {args.tag!r} {what} (latest: {known})")
    text = rollback_sql(matches[0])
    if args.output:
        try:
            args.output.write_text(text)
        except OSError as exc:
            raise NeontuiError(f"cannot write {args.output}: {exc.strerror}") from None
        _note(f"rollback SQL for {matches[0].tag} written to {args.output}")
    else:
        sys.stdout.write(text)
    return ExitCode.OK


def _status(start: Path, args: argparse.Namespace) -> ExitCode:
    from neontui.core.drizzle.overview import load_overview

    project = _load_project(start, args)
    overview = load_overview(project, on_retry=lambda n, why: _note(f"database not ready ({why}); retry {n}"),
                             deadline=_connect_deadline(project))
    if args.json:
        _print_json(overview.to_json())
    else:
        _print_status(overview, sys.stdout)
    return overview.status.exit_code


def _doctor(start: Path, args: argparse.Namespace) -> ExitCode:
    from neontui.core.kit.prereqs import check_prerequisites

    checks = check_prerequisites(start, config=args.config, url=args.url)
    if args.json:
        _print_json({"checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix} for c in checks],
                     "ok": all(c.ok for c in checks)})
    else:
        for c in checks:
            print(f"{'✓' if c.ok else '✗'} {c.name:<13} {c.detail}" + ("" if c.ok else f"\n  fix: {c.fix}"))
    return ExitCode.OK if all(c.ok for c in checks) else ExitCode.ERROR


def _demo(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.demo import create_demo
    from neontui.core.drizzle.overview import load_overview
    from neontui.core.drizzle.project import load_project

    _note("starting the embedded PostgreSQL and creating the sample project…")
    demo = create_demo(args.dir)
    if args.install:
        from neontui.core.actions.demo import install_drizzle_kit

        _note("installing drizzle-kit, drizzle-orm and pg with npm…")
        install_drizzle_kit(demo.project_dir)
    if not args.json and sys.stdin.isatty() and sys.stdout.isatty():
        from neontui.tui.app import Options, run_console

        return ExitCode(run_console(Options(demo.project_dir)))
    overview = load_overview(load_project(demo.project_dir))
    if args.json:
        _print_json(overview.to_json())
    else:
        print(f"sample project: {demo.project_dir}\n")
        _print_status(overview, sys.stdout)
        print("\nThe embedded server stops when this command ends; `neontui demo` recreates everything.")
    return ExitCode.OK


def _print_status(overview: Any, out: TextIO) -> None:
    from neontui.core.drizzle.journal import when_utc

    color = out.isatty() and "NO_COLOR" not in os.environ
    paint = (lambda text, code: f"\x1b[{code}m{text}\x1b[0m") if color else (lambda text, code: text)
    db, status, ledger = overview.server, overview.status, overview.status.ledger
    target = overview.target
    kind = ("Neon " + ("pooled" if target.is_pooled else "direct")) if db.is_neon else "PostgreSQL"
    out.write(f"project   {overview.project.config.path}\n"
              f"database  {target.display_target()} · {kind} {db.version} · user {db.user}\n"
              f"ledger    {ledger.qualified_name} · "
              + (f"{len(ledger.rows)} rows" if ledger.exists else "not created yet (fresh database)") + "\n")
    if overview.direct_switch:
        out.write(f"endpoint  {overview.direct_switch}\n")
    out.write("\n")
    rows = [("idx", "tag", "generated (UTC)", "state", "hash")]
    for m in status.migrations:
        symbol, _ = STATE_SYMBOLS[str(m.state)]
        at = when_utc(m.when) if m.when else None
        when = at.strftime("%Y-%m-%d %H:%M") if at else str(m.when or "")
        idx = "" if m.idx is None else str(m.idx)
        rows.append((idx, m.tag or "", when, f"{symbol} {m.state}", (m.hash or "")[:12]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for n, row in enumerate(rows):
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=True)]
        if n:
            cells[3] = paint(cells[3], STATE_SYMBOLS[status.migrations[n - 1].state][1])
        out.write("  ".join(cells).rstrip() + "\n")
    counts = ", ".join(f"{n} {state}" for state, n in status.counts.items() if n)
    out.write(f"\n{counts or 'no migrations'}\n")
    out.write(f"would run next: {', '.join(status.would_run_next) or 'nothing'}\n")
    next_step = ("fix the problems below, then neontui migrate" if status.problems and status.would_run_next else
                 "fix the problems below" if status.problems else
                 f"{len(status.would_run_next)} pending: review (neontui lint), then neontui migrate"
                 if status.would_run_next else "up to date: nothing to do")
    if status.problems:
        out.write(paint(f"\n{len(status.problems)} problem(s):", "31") + "\n")
        for p in status.problems:
            out.write(f"  ✗ {p.code}: {p.message}\n")
    out.write(f"next: {next_step}\n")


def _print_json(document: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact for programs (several times faster: the C encoder).
    indent = 2 if sys.stdout.isatty() else None
    print(redact(json.dumps(document, indent=indent, ensure_ascii=False)))


def _note(message: str) -> None:
    print(redact(message), file=sys.stderr)


def _fail(message: str, code: ExitCode, json_mode: bool, kind: str | None = None) -> int:
    line = redact(" ".join(message.split()))
    if json_mode:
        print(json.dumps({"error": {"message": line, "kind": kind, "exit_code": int(code)}}))
    print(f"neontui: error: {line}", file=sys.stderr)
    return int(code)
