"""neontui's command line: every subcommand is a thin layer over neontui.core, with JSON output and exit codes.

Each command is a module of neontui.cli with `flags(sub)` (its parser) and `run(args)` (its exit code); this module
holds the dispatch table and the entry point. Errors are printed as one line (`neontui: error: …`) with a documented
exit code; unexpected exceptions leave a redacted crash report and never a traceback on the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import ModuleType

from neontui import __version__
from neontui.cli.output import fail
from neontui.cli.parser import Parser
from neontui.core.crash import note_termination, termination_code, write_crash_report
from neontui.core.errors import ExitCode, NeontuiError

# Command → the neontui.cli module that defines it, in the order `neontui --help` lists them (check and up share a
# module). Only the module of the command being run is imported: each one imports what its command needs, and
# `neontui status` has no use for the console, the SQL parser or drizzle-kit's runner (docs/performance.md).
DISPATCH: dict[str, str] = {
    "console": "console", "status": "status", "doctor": "doctor", "lint": "lint", "checklist": "checklist",
    "batch": "batch",
    "migrate": "migrate", "rehearse": "rehearse", "generate": "generate", "push": "push", "check": "check",
    "up": "check", "upgrade": "upgrade",
    "studio": "studio", "audit": "audit", "rollback-sql": "rollback_sql", "demo": "demo",
    "backup": "backup", "restore": "restore", "diff": "diff",
}
COMMANDS = tuple(DISPATCH)


def command_module(command: str) -> ModuleType:
    return importlib.import_module(f"neontui.cli.{DISPATCH[command]}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of one command (`command`), or of all of them for `neontui --help` and the like."""
    parser = Parser(prog="neontui", description="A console for Drizzle migrations on Neon PostgreSQL.")
    parser.add_argument("--version", action="version", version=f"neontui {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    names = dict.fromkeys(DISPATCH.values()) if command is None else (DISPATCH[command],)
    for name in names:
        importlib.import_module(f"neontui.cli.{name}").flags(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    default = "console" if sys.stdin.isatty() and sys.stdout.isatty() else "status"
    if args_list and not args_list[0].startswith("-") and args_list[0] not in COMMANDS:
        args_list.insert(0, default)  # `neontui PROJECT_DIR`
    if not args_list:
        args_list = [default]
    json_mode = "--json" in args_list
    _exit_on_termination()
    try:
        args = build_parser(args_list[0] if args_list[0] in DISPATCH else None).parse_args(args_list)
        return int(command_module(args.command).run(args))
    except NeontuiError as exc:
        return fail(exc.one_line(), exc.exit_code, json_mode, kind=getattr(exc, "kind", None))
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERRUPTED, json_mode)
    except BrokenPipeError:
        return _reader_went_away()
    except Exception as exc:  # the last line of defence: a report file instead of a traceback
        ending = termination_code(exc)
        if ending is not None:  # a hang-up or SIGTERM is a normal way to leave: what broke on the way out is no bug
            return ending
        report = write_crash_report(exc)
        where = f"; details in {report}" if report else ""
        return fail(f"internal error: {type(exc).__name__}: {exc}{where}", ExitCode.INTERNAL, json_mode)


def _reader_went_away() -> int:
    """stdout's reader closed the pipe (`neontui status | head`): stop quietly, as a shell tool would on SIGPIPE.
    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + signal.SIGPIPE


def _exit_on_termination() -> None:
    """SIGTERM/SIGHUP end neontui through SystemExit, so atexit hooks run (a started studio is stopped), with
    128 + the signal as the exit code (129: the terminal hung up) and no crash report. The database sessions end
    with the process: the server rolls back an open transaction, a running migration's included, and frees its
    locks."""
    def terminate(signum: int, _frame: object) -> None:
        note_termination(128 + signum)
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        with contextlib.suppress(ValueError, AttributeError):  # not the main thread / not on this platform
            signal.signal(getattr(signal, name), terminate)
