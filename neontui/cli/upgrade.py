"""`neontui upgrade`: preview (and with --apply run) drizzle-kit 1.0's `up` on a 0.x migrations folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from neontui.cli import project
from neontui.cli.output import note, painter, print_json, refused
from neontui.cli.parser import Subparsers, add_project_args
from neontui.cli.prompts import printer
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.upgrade import UpgradeReport


def flags(sub: Subparsers) -> None:
    p = sub.add_parser(
        "upgrade", help="preview (and --apply) the move of a drizzle 0.x folder to drizzle 1.0's layout",
        description="Shows, for each journal entry, the folder drizzle-kit 1.0's up will make of it, what up will "
                    "refuse, SQL files it leaves loose, and how each configured database's ledger maps to the new "
                    "folders. --repair rewrites snapshot files only (never the SQL or the journal) so that up "
                    "accepts them; --apply runs the project's drizzle-kit up (1.0 line) and verifies the result. "
                    "Exit codes: 0 ok or nothing to do, 2 problems found (nothing was run), 3 error (drizzle-kit "
                    "not the 1.0 line, up failed, or the result did not verify).")
    add_project_args(p)
    p.add_argument("--apply", action="store_true", help="run drizzle-kit up once the preview has no problems")
    p.add_argument("--repair", action="store_true",
                   help="repair the snapshot chain (snapshot files only) before previewing or applying")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.upgrade import upgrade

    loaded = project.load(Path(args.project_dir), args)
    report = upgrade(loaded, apply=args.apply, repair=args.repair,
                     on_event=printer(args.json) if args.apply else lambda _e: None,
                     on_retry=lambda n, why: note(f"database not ready ({why}); retry {n}"))
    if args.json:
        print_json(report.to_json())
    else:
        print_report(report, sys.stdout)
    return report.exit_code


def print_report(report: UpgradeReport, out: TextIO) -> None:
    from neontui.core.actions.upgrade import report_lines

    paint = painter(out)
    for line in report_lines(report):
        colour = "red" if line.startswith("  ✗") else "yellow" if line.startswith("  !") else None
        out.write((paint(line, colour) if colour else line) + "\n")
    if report.refused:
        refused("upgrade", report.refused, out)
