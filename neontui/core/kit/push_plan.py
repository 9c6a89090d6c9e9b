"""What drizzle-kit push is about to execute, attached to the question it asks before it applies anything.

Observed with the real kits (tests/db/test_push_preview.py):
- 0.31.11 `push --strict --verbose` prints ` Warning  You are about to execute current statements:`, the SQL, then
  draws "No, abort / Yes, I want to execute all statements" with no question line (the prompt parser takes the last
  SQL line for one); when a statement loses data it asks the data-loss question ("Do you still want to push
  changes?") instead. Nothing runs before the answer.
- 1.0.0-rc.5 refuses `--strict` for postgresql; `push --explain` with the answers as hints prints
  `--- Generated migration statements ---` and the SQL, and applies nothing (its `--output json` form lists the
  statements as JSON objects without their SQL).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from neontui.core.drizzle.project import Project
from neontui.core.kit.discovery import binary, child_env, clean_output
from neontui.core.kit.json_output import _run  # the one way neontui runs the 1.0 kit without a terminal
from neontui.core.kit.result import Answer, EventSink
from neontui.core.kit.session import Event, KitSession, Line, Prompt

VERBOSE_HEADER = "You are about to execute current statements:"  # 0.31 push --verbose
EXPLAIN_HEADER = "--- Generated migration statements ---"  # 1.0 push --explain
DATA_LOSS_HEADER = "Found data-loss statements"
CONFIRM_QUESTION = "Do you want to execute these statements?"
CONFIRMS = ("strict", "data-loss")  # the prompt kinds a push asks right before it applies


def statements_in(lines: Sequence[str]) -> tuple[str, ...]:
    """The SQL lines after the last statements header, up to the first blank line after them (0.31 prints a blank
    line, then the data-loss warning) or the end (1.0 --explain). A multi-line CREATE TABLE stays as its lines."""
    start = next((i for i in range(len(lines) - 1, -1, -1)
                  if VERBOSE_HEADER in lines[i] or EXPLAIN_HEADER in lines[i]), None)
    if start is None:
        return ()
    found: list[str] = []
    for line in lines[start + 1:]:
        if line.strip():
            found.append(line.rstrip())
        elif found:
            break
    return tuple(found)


def confirmation(prompt: Prompt, lines: Sequence[str]) -> Prompt:
    """0.31's strict or data-loss prompt with the statements it confirms, its question and context set right."""
    statements = statements_in(lines)
    if prompt.kind not in CONFIRMS or not statements:
        return prompt
    if prompt.kind == "strict":
        return replace(prompt, question=CONFIRM_QUESTION, context=(), statements=statements)
    start = next((i for i in range(len(lines) - 1, -1, -1) if DATA_LOSS_HEADER in lines[i]), None)
    warnings = [line.strip() for line in lines[start:] if line.strip()] if start is not None else \
        [line for line in prompt.context if line not in statements and VERBOSE_HEADER not in line]
    return replace(prompt, context=tuple(w for w in warnings if w != prompt.question), statements=statements)


def with_statements(session: KitSession, answer: Answer, on_event: EventSink) -> tuple[Answer, EventSink]:
    """`answer` and `on_event` for a 0.31 `push --strict --verbose`: the confirming prompt carries the statements
    printed before it, and the lines of that block are not passed on (the fronts show them with the question)."""
    state = {"inside": False, "sql": False}

    def forward(event: Event) -> None:
        if isinstance(event, Prompt):
            event = confirmation(event, session.lines)
        elif isinstance(event, Line):
            blank = not event.text.strip()
            if VERBOSE_HEADER in event.text:
                state["inside"], state["sql"] = True, False
                return
            if state["inside"]:  # the blank line after the header, the SQL, the blank line that ends it
                state["inside"] = not (blank and state["sql"])
                state["sql"] = state["sql"] or not blank
                return
        on_event(event)

    return (lambda prompt: answer(confirmation(prompt, session.lines))), forward


def explain_statements(project: Project, args: Sequence[str], *, url: str | None,
                       hints: Sequence[dict[str, Any]], timeout: float) -> tuple[str, ...]:
    """1.0: the SQL `push --explain` prints with these answers (text output: its JSON lacks the SQL); () when it
    prints none (then the fronts show the JSON's statement summaries)."""
    env, _ = child_env(project, "push", url)
    with tempfile.TemporaryDirectory(prefix="neontui-hints-") as tmp:
        extra: list[str] = []
        if hints:
            path = Path(tmp) / "hints.json"
            path.write_text(json.dumps(list(hints)), encoding="utf-8")
            extra = ["--hints-file", str(path)]
        argv = [str(binary(project)), "push", "--explain", *args, *extra, "--config", str(project.config.path)]
        returncode, stdout, _, _ = _run(argv, project.config.root, env, timeout)
    return statements_in(clean_output(stdout).split("\n")) if returncode == 0 else ()
