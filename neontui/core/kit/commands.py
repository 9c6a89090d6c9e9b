"""drizzle-kit commands with truthful results: what happened is read from the files, the ledger and the output,
not from the exit code (generate and push exit 0 on errors; migrate exits 1 and says nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from neontui.core.drizzle.journal import read_journal
from neontui.core.drizzle.project import Project
from neontui.core.errors import ExitCode, JournalError
from neontui.core.kit.session import Event, Exited, KitSession, Prompt

Answer = Callable[[Prompt], int | None]  # the choice to send, or None to abort (the child is killed)
EventSink = Callable[[Event], None]

# push prints the database error as a Node inspect dump and still exits 0
# (docs/compatibility.md#drizzle-kit-exit-codes).
_PUSH_ERROR = re.compile(r"error:|\berror\b.*\bcode\b|PostgresError|DrizzleQueryError|code: '[0-9A-Z]{5}'",
                         re.IGNORECASE)
_COLLISION = re.compile(r"collision", re.IGNORECASE)


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

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def to_json(self) -> dict:
        return {"command": self.command, "ok": self.ok, "summary": self.summary, "next_step": self.next_step,
                "returncode": self.returncode, "created": self.created, "statements": self.statements,
                "errors": self.errors, "aborted": self.aborted, "exit_code": int(self.exit_code)}


def run_session(session: KitSession, answer: Answer, on_event: EventSink) -> tuple[int, bool, str | None]:
    """Drive a started session to its end; returns (returncode, cancelled, question of an aborted prompt)."""
    aborted = None
    for event in session.events():
        on_event(event)
        if isinstance(event, Prompt):
            choice = answer(event)
            if choice is None:
                aborted = event.question
                session.cancel()
            else:
                session.answer(choice)
        elif isinstance(event, Exited):
            return event.returncode, event.cancelled, aborted
    raise AssertionError("unreachable: events() always ends with Exited")


def generate(project: Project, *, name: str | None = None, custom: bool = False, answer: Answer,
             on_event: EventSink, timeout: float = 300) -> KitResult:
    before = _tags(project)
    args = [*(["--name", name] if name else []), *(["--custom"] if custom else [])]
    session = KitSession(project, "generate", args, timeout=timeout).start()
    code, _, aborted = run_session(session, answer, on_event)
    after = _journal_entries(project)
    created = [e for e in after if e.tag not in before]
    result = KitResult("generate", bool(created), "", "", code, [e.tag for e in created],
                       {e.tag: [s.strip() for s in e.statements if s.strip()] for e in created},
                       aborted=aborted, lines=session.lines)
    text = "\n".join(session.lines)
    if created:
        count = sum(len(s) for s in result.statements.values())
        result.summary = f"created {', '.join(result.created)} ({count} statement(s))"
        result.next_step = f"{len(created)} new migration(s) pending: review them (neontui lint), then neontui migrate"
    elif aborted:
        result.summary = f"aborted at drizzle-kit's question: {aborted}"
        result.next_step = "run again and answer it (e.g. --rename old:new or --create name)"
    elif "No schema changes" in text:
        result.ok, result.summary = True, "no schema changes: nothing to generate"
        result.next_step = "edit the Drizzle schema, then generate again"
    elif _COLLISION.search(text):
        result.summary = "snapshot collision: " + _first(session.lines, _COLLISION)
        result.next_step = "two migrations share a parent snapshot (a merge?): drop one and generate it again"
    elif "not of the latest version" in text:
        result.summary = "the snapshots are of an older version: nothing was written"
        result.next_step = "run neontui up (drizzle-kit up), then generate again"
    else:
        result.summary = f"drizzle-kit generate wrote nothing (exit {code}): {_last(session.lines)}"
        result.next_step = "fix the error above (often the schema file), then generate again"
    return result


def push(project: Project, *, args: Sequence[str] = (), url: str | None = None, answer: Answer,
         on_event: EventSink, timeout: float = 600) -> KitResult:
    session = KitSession(project, "push", args, url=url, timeout=timeout).start()
    code, _, aborted = run_session(session, answer, on_event)
    text = "\n".join(session.lines)
    errors = [line for line in session.lines if _PUSH_ERROR.search(line)]
    result = KitResult("push", False, "", "", code, errors=errors, aborted=aborted, lines=session.lines)
    if errors:
        result.summary = f"push failed although drizzle-kit exited {code}: {errors[0]}"
        result.next_step = ("push runs statements one by one without a transaction: statements before the error "
                            "stayed applied; check the schema (neontui status) before pushing again")
    elif aborted or ("abort" in text.lower() and "Changes applied" not in text):
        result.summary = f"push aborted{': ' + aborted if aborted else ''}; nothing was applied"
        result.next_step = "answer the question (e.g. --accept-data-loss) if the change is intended"
    elif "Changes applied" in text:
        result.ok, result.summary = True, "changes applied"
        result.next_step = "push is for development: generate a migration for other environments"
    elif "No changes detected" in text:
        result.ok, result.summary = True, "no changes detected"
        result.next_step = "the database already matches the schema"
    else:
        result.summary = f"push did not finish (exit {code}): {_last(session.lines)}"
        result.next_step = "fix the error above and push again"
    return result


def check(project: Project, *, on_event: EventSink, timeout: float = 120) -> KitResult:
    session = KitSession(project, "check", timeout=timeout).start()
    code, _, _ = run_session(session, lambda _p: None, on_event)
    warnings = [line for line in session.lines if "warning" in line.lower() or _COLLISION.search(line)]
    ok = code == 0 and not warnings and any("Everything's fine" in line for line in session.lines)
    summary = "the migrations folder is consistent" if ok else (warnings[0] if warnings else _last(session.lines))
    next_step = "nothing to fix" if ok else "fix the journal or snapshots as the message says (see neontui status)"
    return KitResult("check", ok, summary, next_step, code, errors=warnings, lines=session.lines)


def up(project: Project, *, on_event: EventSink, timeout: float = 120) -> KitResult:
    session = KitSession(project, "up", timeout=timeout).start()
    code, _, _ = run_session(session, lambda _p: None, on_event)
    ok = code == 0
    return KitResult("up", ok, "snapshots are up to date" if ok else _last(session.lines),
                     "generate as usual" if ok else "fix the error above", code, lines=session.lines)


def _journal_entries(project: Project):
    try:
        return list(read_journal(project.out_dir).entries)
    except JournalError:
        return []


def _tags(project: Project) -> set[str]:
    return {e.tag for e in _journal_entries(project)}


def _first(lines: Sequence[str], pattern: re.Pattern[str]) -> str:
    return next((line.strip() for line in lines if pattern.search(line)), "")


def _last(lines: Sequence[str]) -> str:
    return next((line.strip() for line in reversed(lines) if line.strip()), "no output")
