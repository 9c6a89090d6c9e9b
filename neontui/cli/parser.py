"""The argument parser's shared parts: usage errors as exit 64, flag value types, and the argument groups several
commands share (the project: PROJECT_DIR --config --out --url --json; the target: --env --target --confirm)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import NoReturn

from neontui.core.errors import UsageError

Subparsers = argparse._SubParsersAction  # what add_subparsers returns: each command module adds its parser to it


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see neontui {self.prog.split()[-1]} --help)"
                         if " " in self.prog else f"{message} (see neontui --help)")


ENV_HELP = "production or development (overrides NEONTUI_ENV and neontui.toml)"


def add_project_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                   help="the Drizzle project (default: the current directory)")
    p.add_argument("--config", type=Path, help="path of drizzle.config.* (skips discovery)")
    p.add_argument("--out", help="migrations folder, overriding the config's `out`")
    p.add_argument("--url", help="database URL, overriding the config's dbCredentials.url")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_target_args(p: argparse.ArgumentParser, *, confirm: str | None = None) -> None:
    """--env and --target; `confirm`: also --confirm, the help naming what it confirms."""
    p.add_argument("--env", help=ENV_HELP)
    p.add_argument("--target", help="a target name from neontui.toml")
    if confirm is not None:
        p.add_argument("--confirm", metavar="DATABASE", help=f"the database name, to confirm {confirm}")


# argparse `type=` functions: a bad flag value is a usage error (exit 64) naming the flag, never a failure later
# (a timeout PostgreSQL rejects would otherwise be reported as the first statement failing).

def duration(text: str) -> str:
    from neontui.core.gate.settings import postgres_duration  # the same check as neontui.toml's timeouts

    try:
        return postgres_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:  # nan never times out, and inf is no bound either
        raise argparse.ArgumentTypeError(f"must be a number of seconds, 0 or more, found {text!r}")
    return value


def count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, found {text!r}")
    return value


def port(text: str) -> int:
    from neontui.core.actions.studio import PORTS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value not in PORTS:
        raise argparse.ArgumentTypeError(f"must be a port number from {PORTS.start} to {PORTS.stop - 1}, "
                                         f"found {text!r}")
    return value
