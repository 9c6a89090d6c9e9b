"""What a drizzle-kit command really did, whichever line ran it (0.31 in a pseudo-terminal, 1.0 through its JSON
envelopes): the fronts show `summary` and `next_step`, `--json` prints `to_json()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neontui.core.errors import ExitCode
from neontui.core.kit.session import Event, Prompt

Answer = Callable[[Prompt], int | None]  # the choice to send, or None to abort (the child is killed)
EventSink = Callable[[Event], None]


@dataclass
class KitResult:
    command: str
    ok: bool
    summary: str  # one line: what really happened
    next_step: str  # one line: what to do now
    returncode: int | None = None
    created: list[str] = field(default_factory=list)  # generate: new migration tags
    statements: dict[str, list[str]] = field(default_factory=dict)  # generate: their statements
    errors: list[str] = field(default_factory=list)
    aborted: str | None = None  # the prompt that was not answered
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # 1.0 check: e.g. the schema differs from the migrations
    hints: list[dict[str, Any]] = field(default_factory=list)  # 1.0: the --hints the answers became
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # 1.0 check: branches that do not commute
    kit_line: str | None = None  # "0.x" | "1.0": which interface ran

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def to_json(self) -> dict:
        return {"command": self.command, "ok": self.ok, "summary": self.summary, "next_step": self.next_step,
                "returncode": self.returncode, "created": self.created, "statements": self.statements,
                "errors": self.errors, "aborted": self.aborted, "warnings": self.warnings, "hints": self.hints,
                "conflicts": self.conflicts, "kit_line": self.kit_line, "exit_code": int(self.exit_code)}
