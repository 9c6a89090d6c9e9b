"""`neontui rollback-sql`: the rollback SQL of one migration, to stdout or a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neontui.cli import project
from neontui.cli.output import note
from neontui.cli.parser import Subparsers
from neontui.core.errors import ExitCode, NeontuiError, UsageError


def flags(sub: Subparsers) -> None:
    rollback = sub.add_parser("rollback-sql", help="derive the rollback SQL of a migration")
    rollback.add_argument("tag", metavar="TAG",
                          help="the migration's tag (a 1.0 folder name), a unique prefix such as 0003, "
                               "or a 1.0 folder's name after its time, such as add_email")
    rollback.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR")
    rollback.add_argument("--config", type=Path, help="path of drizzle.config.*")
    rollback.add_argument("--out", help="migrations folder, overriding the config's `out`")
    rollback.add_argument("--output", "-o", type=Path, help="write the SQL to this file instead of stdout")


def run(args: argparse.Namespace) -> ExitCode:
    from neontui.core.drizzle.layout import read_migrations
    from neontui.core.sql.rollback import rollback_sql

    entries = read_migrations(project.load(Path(args.project_dir), args).out_dir).entries
    matches = ([e for e in entries if e.tag == args.tag] or [e for e in entries if e.tag.startswith(args.tag)]
               or [e for e in entries if e.tag[15:] == args.tag])  # 1.0: "<14 digits>_<name>"
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
        note(f"rollback SQL for {matches[0].tag} written to {args.output}")
    else:
        sys.stdout.write(text)
    return ExitCode.OK
