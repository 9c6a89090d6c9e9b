"""`neontui diff`: the schema difference between the target and a branch, a backup or a rehearsal copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neontui.cli import project
from neontui.cli.output import print_json
from neontui.cli.parser import Subparsers, add_project_args, add_target_args
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    diff = sub.add_parser(
        "diff", help="the schema diff between the target and a branch, a backup or a rehearsal copy",
        description="--against: on Neon a branch of the target's project (name or id: a backup, a kept rehearsal "
                    "branch); elsewhere a database on the same server (a backup, a kept neontui-rehearsal-… copy) "
                    "or a postgresql:// URL. Default: the newest neontui backup. '-' lines are the target's, '+' "
                    "lines the other side's. Exit codes: 0 compared (with --exit-code: no difference), 1 with "
                    "--exit-code only: the schemas differ, 3 configuration, connection, pg_dump or API error.")
    add_project_args(diff)
    add_target_args(diff)
    diff.add_argument("--against", metavar="NAME|URL", help="what to compare the target with (default: the newest "
                                                             "backup)")
    diff.add_argument("--exit-code", action="store_true", help="exit 1 when the schemas differ (like git diff)")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.diff import diff_against
    from neontui.core.actions.gate import open_gate

    gate = open_gate(project.load(Path(args.project_dir), args), env_flag=args.env, target_name=args.target,
                     review=False)  # reads only: no checklist decision depends on it
    result = diff_against(gate, args.against)
    code = ExitCode.PENDING if args.exit_code and result.differs else ExitCode.OK
    if args.json:
        print_json({**result.to_json(), "exit_code": int(code)})
    else:
        sys.stdout.write(f"{result.summary}\n")
        if result.differs:
            sys.stdout.write(result.text.rstrip("\n") + "\n")
    return code
