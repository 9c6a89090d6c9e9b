"""`neontui batch`: the pending batch at a glance (neontui.core.actions.batch), as text or JSON; reads only."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from neontui.cli import project
from neontui.cli.output import print_json
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.core.display.batch import batch_header, batch_migration_lines, table_lines
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.batch import Batch


def flags(sub: Subparsers) -> None:
    batch = sub.add_parser(
        "batch", help="the pending batch at a glance: migrations, findings, each touched table's live size, rows, "
                      "lock and rewrite, rollback, the last rehearsal",
        description="Reads only (one catalog query for the tables' sizes). Exit codes: 0 shown (also when nothing "
                    "is pending: \"nothing pending\"), 3 configuration or connection error, 5 a catalog read timed "
                    "out (another session holds a lock on a touched table; retry).")
    add_project_args(batch)
    add_target_args(batch)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.batch import show_batch
    from neontui.core.actions.gate import open_gate
    from neontui.core.safety import RunMode

    # Reviewed as `neontui migrate` (the native engine) runs it: CONCURRENTLY statements are steps of their own.
    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     mode=RunMode.PLANNED, review=True)
    batch = show_batch(gate)
    if args.json:
        print_json({**batch.to_json(), "exit_code": int(ExitCode.OK)})
    else:
        print_batch(batch, sys.stdout)
    return ExitCode.OK


def print_batch(batch: Batch, out: TextIO) -> None:
    if not batch.migrations:
        out.write(f"{batch_header(batch)[0]}\nnothing pending\n")
        return
    out.write("".join(f"{line}\n" for line in batch_header(batch)))
    if batch.tables:
        # On a terminal the table fits its width ("blocks" wraps); into a pipe or a file, one line per table.
        width = shutil.get_terminal_size().columns - 2 if out.isatty() else None
        out.write("\ntables\n" + "".join(f"  {line}\n" for line, _ in table_lines(batch.tables, width)))
    out.write("\nmigrations (in run order)\n" + "".join(f"  {line}\n" for line in batch_migration_lines(batch)))
