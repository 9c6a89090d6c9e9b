"""`neontui status`: every migration's state against the database's ledger, as a table or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from neontui.cli import project
from neontui.cli.output import note, painter, print_json
from neontui.cli.parser import Subparsers, add_project_args
from neontui.core.display import STATE_SYMBOLS, drizzle_line, endpoint_kind, ledger_kind
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.status import Overview


def flags(sub: Subparsers) -> None:
    status = sub.add_parser("status", help="every migration's state against the database's ledger",
                            description="Exit codes: 0 nothing pending, 1 pending migrations, 2 problems "
                                        "(edited, skipped, missing files, unknown ledger rows…), "
                                        "3 configuration, connection or permission error, 5 the ledger is locked "
                                        "by another session (retry).")
    add_project_args(status)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.status import load_overview

    loaded = project.load(Path(args.project_dir), args)
    overview = load_overview(loaded, on_retry=lambda n, why: note(f"database not ready ({why}); retry {n}"),
                             deadline=project.connect_deadline(loaded), cached_facts=True)
    if args.json:
        print_json(overview.to_json())
    else:
        print_status(overview, sys.stdout)
    return overview.status.exit_code


def print_status(overview: Overview, out: TextIO) -> None:
    from neontui.core.drizzle.journal import when_utc

    paint = painter(out)
    db, status, ledger = overview.server, overview.status, overview.status.ledger
    target = overview.target
    out.write(f"project   {overview.project.config.path}\n"
              f"drizzle   {drizzle_line(overview.journal.layout, overview.drizzle)}\n"
              f"database  {target.display_target()} · {endpoint_kind(db.is_neon, target.is_pooled)} {db.version} · "
              f"user {db.user}\n"
              f"ledger    {ledger.qualified_name} · {ledger_kind(ledger.exists, ledger.is_v1, len(ledger.rows))}\n")
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
    _summary(overview, out)


def _summary(overview: Overview, out: TextIO) -> None:
    status = overview.status
    counts = ", ".join(f"{n} {state}" for state, n in status.counts.items() if n)
    out.write(f"\n{counts or 'no migrations'}\n")
    out.write(f"would run next: {', '.join(status.would_run_next) or 'nothing'}\n")
    next_step = ("fix the problems below, then neontui migrate" if status.problems and status.would_run_next else
                 "fix the problems below" if status.problems else
                 f"{len(status.would_run_next)} pending: review (neontui lint), then neontui migrate"
                 if status.would_run_next else "up to date: nothing to do")
    if status.problems:
        out.write(painter(out)(f"\n{len(status.problems)} problem(s):", "red") + "\n")
        for p in status.problems:
            out.write(f"  ✗ {p.code}: {p.message}\n")
    out.write(f"next: {next_step}\n")
