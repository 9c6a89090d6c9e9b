"""All of the CLI's rendering helpers: JSON, notes on stderr, colour (honouring NO_COLOR), the one error printer and
the "refused:" list."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TextIO

from neontui.core.errors import ExitCode, NeontuiError
from neontui.core.redact import redact, redact_values

_ANSI = {"green": "32", "yellow": "33", "red": "31", "magenta": "35", "cyan": "36"}  # the colour names used


def print_json(document: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact for programs (several times faster: the C encoder). Each string
    # is redacted, not the encoded text: a status of 10,000 migrations is 4 MB, nearly none of it able to hold a
    # password (redact.may_hold_secret), and the keys and values are masked as the user will read them. default=str:
    # a long list redact_values found clean is kept as it was, other objects in it included, checked as str() too.
    indent = 2 if sys.stdout.isatty() else None
    print(json.dumps(redact_values(document), indent=indent, ensure_ascii=False, default=str))


def note(message: str) -> None:
    print(redact(message), file=sys.stderr)


def painter(out: TextIO) -> Callable[[str, str], str]:
    """`paint(text, colour)`: ANSI colour on a terminal unless NO_COLOR is set, else the text as is."""
    if out.isatty() and "NO_COLOR" not in os.environ:
        return lambda text, colour: f"\x1b[{_ANSI[colour]}m{text}\x1b[0m"
    return lambda text, _colour: text


def refused(action: str, reasons: Iterable[str], out: TextIO) -> None:
    out.write(f"{action} refused:\n" + "".join(f"  - {r}\n" for r in reasons))


def print_error(message: str) -> str:
    """The one error printer: `neontui: error: …`, one redacted line on stderr; returns the line."""
    line = redact(" ".join(message.split()))
    print(f"neontui: error: {line}", file=sys.stderr)
    return line


class Reported(Protocol):
    """What an action returns to the CLI: its error (if any) and its exit code."""

    @property
    def error(self) -> NeontuiError | None: ...

    @property
    def exit_code(self) -> ExitCode: ...


def finish(outcome: Reported, *, json_mode: bool, document: Callable[[], dict[str, Any]],
           text: Callable[[], None]) -> ExitCode:
    """The end of a command that reports an outcome: the JSON document or the text on stdout, then the error's one
    line on stderr, and the outcome's exit code."""
    if json_mode:
        print_json(document())
    else:
        text()
    if outcome.error is not None:
        print_error(outcome.error.one_line())
    return outcome.exit_code


def fail(message: str, code: ExitCode, json_mode: bool, kind: str | None = None) -> int:
    """A command that ends in an error: the error line (and the error object on stdout with --json)."""
    if json_mode:
        line = redact(" ".join(message.split()))
        print(json.dumps({"error": {"message": line, "kind": kind, "exit_code": int(code)}}))
    print_error(message)
    return int(code)
