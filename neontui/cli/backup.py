"""`neontui backup`: a backup of the target now (a Neon backup branch, or a kept copy on plain PostgreSQL), or the
list of the backups neontui took (--list)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from neontui.cli import project
from neontui.cli.output import print_json
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.core.errors import ExitCode

if TYPE_CHECKING:
    from neontui.core.actions.backup import Backup


def flags(sub: Subparsers) -> None:
    backup = sub.add_parser(
        "backup", help="back the target up now: a Neon backup branch, or a kept copy database elsewhere",
        description="On Neon: a no-compute child branch neontui-backup-<time> of the target's branch. Elsewhere: a "
                    "full copy database neontui-backup-<time>-<hex> on the same server (needs CREATEDB). Checks "
                    "the checklist's 'Database backed up' item with the backup as evidence and prints the exact "
                    "restore commands. Exit codes: 0 backed up (or listed), 3 configuration, connection, API or "
                    "plan-limit error, 5 retryable (the Neon API kept answering 423/429/5xx).")
    add_project_args(backup)
    add_target_args(backup)
    backup.add_argument("--list", action="store_true", help="list neontui's backups of the target, newest first")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.backup import list_backups, take_backup
    from neontui.core.actions.gate import open_gate

    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     review=True)  # the same checklist (with its derived items) as `neontui checklist`
    if args.list:
        found = list_backups(gate)
        if args.json:
            print_json({"backups": [b.to_json() for b in found]})
        else:
            _list(found, sys.stdout)
        return ExitCode.OK
    backup = take_backup(gate)  # no progress lines: the result says it all, and an error stays one line
    if args.json:
        print_json({"backup": backup.to_json(), "checklist_item": "backup-taken", "exit_code": 0})
    else:
        _taken(backup, sys.stdout)
    return ExitCode.OK


def _taken(backup: Backup, out: TextIO) -> None:
    out.write(f"{backup.what}: {backup.name} ({backup.id}) of {backup.database}, taken {backup.created_at}\n")
    out.write("checklist: 'Database backed up' checked with this backup as evidence\n")
    out.write("to go back:\n" + "".join(f"  {line}\n" for line in backup.restore_commands()))


def _list(found: list[Backup], out: TextIO) -> None:
    if not found:
        out.write("no neontui backups of this target yet (neontui backup takes one)\n")
        return
    for backup in found:
        out.write(f"{backup.name}  {backup.created_at}  {backup.id}\n")
