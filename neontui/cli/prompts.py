"""drizzle-kit runs on the command line: its questions answered from the flags (or asked on a terminal), its
output shown live on stderr, and the result printed."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from neontui.core.errors import ExitCode
from neontui.core.redact import redact

if TYPE_CHECKING:
    from neontui.core.actions.events import Event, Prompt
    from neontui.core.kit.commands import Answer, KitResult


def add_prompt_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rename", action="append", default=[], metavar="OLD:NEW",
                        help="answer drizzle-kit's created-or-renamed question: NEW was renamed from OLD")
    parser.add_argument("--create", action="append", default=[], metavar="NAME",
                        help="answer drizzle-kit's created-or-renamed question: NAME is new")


def answers(args: argparse.Namespace) -> Answer:
    """Choose from the flags; on a terminal ask; otherwise abort with a clear message (never hang)."""
    interactive = sys.stdin.isatty() and not getattr(args, "json", False)

    def choose(prompt: Prompt) -> int | None:
        choice = _from_flags(args, prompt)
        if choice is not None:
            return choice
        if interactive:
            return _ask(prompt)
        hint = {"rename": "pass --rename OLD:NEW or --create NAME", "data-loss": "pass --accept-data-loss",
                "truncate": "pass --truncate or --no-truncate"}.get(prompt.kind, "run it in a terminal")
        print(f"neontui: drizzle-kit asks \"{prompt.question}\" ({' | '.join(prompt.choices)}); no answer given: "
              f"aborted ({hint})", file=sys.stderr)
        return None

    return choose


def _from_flags(args: argparse.Namespace, prompt: Prompt) -> int | None:
    from neontui.core.actions.events import find_choice

    if prompt.kind == "rename":
        for pair in args.rename:
            old, _, new = pair.partition(":")
            choice = find_choice(prompt, rf"^~\s*{_escape(old)}\s*›\s*{_escape(new)}\b") if new else None
            if choice is not None:
                return choice
        for name in args.create:
            choice = find_choice(prompt, rf"^\+\s*{_escape(name)}\b")
            if choice is not None:
                return choice
    elif prompt.kind == "data-loss" and getattr(args, "accept_data_loss", False):
        return find_choice(prompt, r"^yes")
    elif prompt.kind == "truncate" and getattr(args, "truncate", None) is not None:
        return find_choice(prompt, r"^yes" if args.truncate else r"^no")
    return None


def _escape(text: str) -> str:
    return re.escape(text.strip())


def _ask(prompt: Prompt) -> int | None:
    for line in prompt.context:
        print(line, file=sys.stderr)
    print(prompt.question, file=sys.stderr)
    for n, choice in enumerate(prompt.choices, 1):
        print(f"  {n}. {choice}{'  (default)' if n - 1 == prompt.selected else ''}", file=sys.stderr)
    try:
        raw = input(f"choose 1-{len(prompt.choices)} (empty: abort): ").strip()
    except EOFError:
        return None
    return int(raw) - 1 if raw.isdigit() and 1 <= int(raw) <= len(prompt.choices) else None


def printer(json_mode: bool) -> Callable[[Event], None]:
    from neontui.core.actions.events import Line, Progress

    tty = sys.stderr.isatty()

    def show(event: Event) -> None:
        if json_mode:
            return
        if isinstance(event, Line):
            if tty:
                sys.stderr.write("\r\x1b[2K")
            print(redact(event.text), file=sys.stderr)
        elif isinstance(event, Progress) and tty:
            sys.stderr.write("\r\x1b[2K" + redact(event.text)[:200])
            sys.stderr.flush()

    return show


def report(result: KitResult, json_mode: bool) -> ExitCode:
    if json_mode:
        print(redact(json.dumps(result.to_json(), ensure_ascii=False)))
    else:
        for tag, statements in result.statements.items():
            print(f"{tag}:")
            for statement in statements:
                print("  " + statement.replace("\n", "\n  "))
        print(("✓ " if result.ok else "✗ ") + result.summary)
        print("next: " + result.next_step)
    return result.exit_code
