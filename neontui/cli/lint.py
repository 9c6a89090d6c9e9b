"""`neontui lint`: the safety review of migration files or of the project's pending batch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neontui.cli import project
from neontui.cli.parser import Subparsers
from neontui.core.errors import ExitCode, UsageError


def flags(sub: Subparsers) -> None:
    lint = sub.add_parser("lint", help="review migration SQL for data loss, blocking locks, rewrites and breakage",
                          description="With no PATHS, reviews the project's pending migrations against its "
                                      "database. A migrations folder (or files in one) is reviewed migration by "
                                      "migration, each against the schema before it (drizzle's snapshots and the "
                                      "earlier migrations: no database needed); with --url, PATHS are one run "
                                      "against that database's schema. --since/--after review only the newer "
                                      "migrations. Exit code 1 when an error-severity finding is present (or a "
                                      "warning, with --fail-on warning).")
    lint.add_argument("paths", nargs="*", type=Path, metavar="PATHS")
    lint.add_argument("--pending", action="store_true", help="review the pending migrations of the project")
    lint.add_argument("--project", type=Path, default=Path("."), help="the Drizzle project (default: .)")
    lint.add_argument("--config", type=Path, help="path of drizzle.config.*")
    lint.add_argument("--out", help="migrations folder, overriding the config's `out`")
    lint.add_argument("--url", help="database URL, overriding the config's; with PATHS, review them against its schema")
    newer = lint.add_mutually_exclusive_group()
    newer.add_argument("--since", metavar="REF", help="review only the migrations added since the git ref REF (e.g. "
                                                      "origin/main), each against the schema before it")
    newer.add_argument("--after", metavar="TAG", help="review only the migrations after TAG, each against the "
                                                      "schema before it")
    lint.add_argument("--format", choices=("text", "json", "github", "sarif", "markdown"), default="text",
                      help="github: workflow annotations; sarif: SARIF 2.1.0 for code scanning; markdown: a "
                           "pull-request comment")
    lint.add_argument("--pg-version", help="server version for version-dependent rules (default: the connected "
                                           "server's, else the newest)")
    lint.add_argument("--mode", choices=("transaction", "planned", "autocommit"), default="transaction",
                      help="transaction: drizzle-kit migrate (default); planned: neontui migrate, which runs "
                           "CONCURRENTLY and the files' own COMMITs as separate steps; autocommit: drizzle's "
                           "neon-http migrator")
    lint.add_argument("--advisory", action="store_true", help="also show advisory (info) findings")
    lint.add_argument("--enable", action="append", default=[], metavar="RULE", help="enable an off-by-default rule")
    lint.add_argument("--fail-on", choices=("error", "warning"), default="error")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.cli.lint_output import display_path, render
    from neontui.core.actions.lint import Newer, lint
    from neontui.core.safety import RunMode, Severity
    from neontui.core.sql.versions import parse_version

    pg_version = None
    if args.pg_version:
        try:
            pg_version = parse_version(args.pg_version)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    newer = Newer(args.since, args.after) if args.since or args.after else None
    if newer is not None and args.pending:
        raise UsageError("--pending reviews what the database has not applied; --since/--after choose migrations "
                         "from the folder: use one or the other")
    loaded = None if args.paths and not args.pending else project.load(args.project, args)
    deadline = project.connect_deadline(loaded) if loaded is not None or args.url else None
    linted = lint(args.paths if loaded is None else loaded, mode=RunMode(args.mode), pg_version=pg_version,
                  enable=args.enable, advisory=args.advisory, deadline=deadline,
                  url=args.url if loaded is None else None, newer=newer)
    if linted.selected_nothing:
        print(f"neontui lint: {linted.selected_nothing} to review", file=sys.stderr)
    review, sources = linted.review, linted.sources
    paths = {s.tag: display_path(s.path) if s.path else s.tag for s in sources}
    render(review, paths, args.format, sys.stdout, show_info=args.advisory, sources=sources)
    live = [f for f in review.findings if not f.suppressed]
    failing = {Severity.ERROR} | ({Severity.WARNING} if args.fail_on == "warning" else set())
    return ExitCode.PENDING if any(f.severity in failing for f in live) else ExitCode.OK
