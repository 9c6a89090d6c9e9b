"""`neontui audit`: the project's audit log (`audit_log` in neontui.toml, else .neontui/audit.jsonl)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neontui.cli import project
from neontui.cli.output import print_json
from neontui.cli.parser import Subparsers, count
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    audit = sub.add_parser("audit", help="the project's audit log (.neontui/audit.jsonl)")
    audit.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR")
    audit.add_argument("--config", type=Path, help="path of drizzle.config.*")
    audit.add_argument("--limit", type=count, default=20, help="the newest N records (default 20; 0: all)")
    audit.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.audit import AuditLog, format_records
    from neontui.core.gate.settings import load_settings

    root = project.load(Path(args.project_dir), args).config.root
    log = AuditLog.for_project(root, load_settings(root))
    records = log.read(limit=args.limit or None)
    if args.json:
        print_json({"path": str(log.path), "records": records})
    else:
        format_records(records, sys.stdout)
    return ExitCode.OK
