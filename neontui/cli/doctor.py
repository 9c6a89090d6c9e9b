"""`neontui doctor`: the prerequisites, each failure with a one-line fix."""

from __future__ import annotations

import argparse
from pathlib import Path

from neontui.cli.output import print_json
from neontui.cli.parser import Subparsers, add_project_args
from neontui.core.errors import ExitCode


def flags(sub: Subparsers) -> None:
    doctor = sub.add_parser("doctor", help="check the prerequisites: config, dialect, URL, drizzle-kit, node")
    add_project_args(doctor)


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.actions.doctor import check_prerequisites, project_versions

    checks = check_prerequisites(Path(args.project_dir), config=args.config, url=args.url, out=args.out)
    if args.json:
        versions = project_versions(Path(args.project_dir), config=args.config, out=args.out)
        print_json({"checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix} for c in checks],
                    "ok": all(c.ok for c in checks), "versions": versions.to_json() if versions else None})
    else:
        for c in checks:
            print(f"{'✓' if c.ok else '✗'} {c.name:<13} {c.detail}" + ("" if c.ok else f"\n  fix: {c.fix}"))
    return ExitCode.OK if all(c.ok for c in checks) else ExitCode.ERROR
