"""generate, push, check and up with a drizzle-kit of the 1.0 line, through `--output json` and `--hints`.

The kit's questions come back as a `missing_hints` envelope; each is asked through the same `Answer` the
pseudo-terminal path uses (kit/hints.py makes 0.31-style prompts of them), the answers become hints and the command
runs again, until it is answered, declined or a round limit is hit. Nothing is written or applied before every
question is answered: a missing_hints run changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.project import Project
from neontui.core.errors import JournalError
from neontui.core.kit.conflicts import describe, parse_conflicts, way_out
from neontui.core.kit.hints import Question, describe_statement, dropped_entities, provisional, question_for
from neontui.core.kit.json_output import MISSING_HINTS, NO_CHANGES, NO_ENVELOPE, OK, Envelope, run_json
from neontui.core.kit.push_plan import CONFIRM_QUESTION, explain_statements
from neontui.core.kit.result import Answer, EventSink, KitResult
from neontui.core.kit.session import Exited, Line, Progress, Prompt
from neontui.core.kit.versions import LINE_1

MAX_ROUNDS = 8  # a table rename, then its columns…: each round may surface more questions


@dataclass
class Resolved:
    envelope: Envelope
    hints: list[dict[str, Any]] = field(default_factory=list)
    aborted: str | None = None  # the question the answer declined


def resolve(project: Project, command: str, args: Sequence[str], *, url: str | None, answer: Answer,
            on_event: EventSink, timeout: float, hints: Sequence[dict[str, Any]] = ()) -> Resolved:
    """Run `command` with `--output json`, asking its questions until it no longer returns missing_hints;
    `hints`: answers already given (to the same questions of an --explain run)."""
    hints = list(hints)
    started = time.monotonic()
    for _ in range(MAX_ROUNDS):
        on_event(Progress(f"drizzle-kit {command} …"))
        envelope = run_json(project, command, args, url=url, hints=hints, timeout=timeout)
        _show(envelope, on_event, started)
        if envelope.status != MISSING_HINTS:
            return Resolved(envelope, hints)
        for question in _questions(project, command, args, url, envelope, hints, timeout):
            on_event(question.prompt)
            choice = answer(question.prompt)
            reply = None if choice is None else question.reply(choice)
            if reply is None:
                return Resolved(envelope, hints, question.prompt.question)
            hints.append(reply)
    return Resolved(envelope, hints, "drizzle-kit kept asking after "
                                     f"{MAX_ROUNDS} rounds of answers")


def _questions(project: Project, command: str, args: Sequence[str], url: str | None, envelope: Envelope,
               hints: list[dict[str, Any]], timeout: float) -> list[Question]:
    items = envelope.unresolved
    dropped = _probe(project, command, args, url, hints, items, timeout) if any(
        i.get("type") == "rename_or_create" for i in items) else {}
    return [question_for(item, dropped) for item in items]


def _probe(project: Project, command: str, args: Sequence[str], url: str | None, hints: list[dict[str, Any]],
           items: list[dict[str, Any]], timeout: float) -> dict[str, list[tuple[str, ...]]]:
    """The rename candidates: what a dry run that creates every new entity would drop."""
    trial = [*hints, *(provisional(i) for i in items)]
    for _ in range(MAX_ROUNDS):
        envelope = run_json(project, command, [*args, "--explain"], url=url, hints=trial, timeout=timeout)
        if envelope.status != MISSING_HINTS:
            statements = envelope.data.get("statements")
            return dropped_entities(statements if isinstance(statements, list) else [])
        trial += [provisional(i) for i in envelope.unresolved]
    return {}


def _show(envelope: Envelope, on_event: EventSink, started: float) -> None:
    if envelope.switch:
        on_event(Line(envelope.switch))
    for line in envelope.stderr:
        on_event(Line(line))
    on_event(Exited(envelope.returncode if envelope.returncode is not None else -1,
                    time.monotonic() - started, envelope.timed_out))


# --- the commands --------------------------------------------------------------------------------------------


def generate(project: Project, *, name: str | None, custom: bool, answer: Answer, on_event: EventSink,
             timeout: float) -> KitResult:
    before = _tags(project)
    args = [*(["--name", name] if name else []), *(["--custom"] if custom else [])]
    done = resolve(project, "generate", args, url=None, answer=answer, on_event=on_event, timeout=timeout)
    envelope = done.envelope
    created = [e for e in _entries(project) if e.tag not in before]
    result = _result("generate", envelope, done)
    result.created = [e.tag for e in created]
    result.statements = {e.tag: [s.strip() for s in e.statements if s.strip()] for e in created}
    if created:
        count = sum(len(s) for s in result.statements.values())
        result.ok, result.summary = True, f"created {', '.join(result.created)} ({count} statement(s))"
        result.next_step = f"{len(created)} new migration(s) pending: review them (neontui lint), then neontui migrate"
    elif done.aborted:
        _aborted(result, done.aborted)
    elif envelope.status == NO_CHANGES:
        result.ok, result.summary = True, "no schema changes: nothing to generate"
        result.next_step = "edit the Drizzle schema, then generate again"
    elif envelope.status == OK:  # ok but no new folder: should not happen; say what the kit said
        result.summary = f"drizzle-kit generate reported ok but no new migration folder appeared " \
                         f"({envelope.data.get('migration_path')})"
        result.next_step = "check the migrations folder (--out) against the config's out"
    else:
        _failed(result, envelope, "generate")
    return result


def push(project: Project, *, args: Sequence[str], url: str | None, answer: Answer, on_event: EventSink,
         timeout: float) -> KitResult:
    # rc.5 refuses --strict for postgresql ("Use 'explain' instead"): neontui asks over an --explain run instead.
    passed = [a for a in args if a != "--strict"]
    done = resolve(project, "push", [*passed, "--explain"] if "--strict" in args else passed, url=url,
                   answer=answer, on_event=on_event, timeout=timeout)
    if "--strict" in args and "--force" not in args and done.envelope.status == OK and not done.aborted:
        done = _confirm_then_push(project, passed, done, url=url, answer=answer, on_event=on_event, timeout=timeout)
    envelope = done.envelope
    result = _result("push", envelope, done)
    if done.aborted:
        _aborted(result, done.aborted)
        result.summary = f"push aborted at: {done.aborted}; nothing was applied"
    elif envelope.status == OK:
        result.ok, result.summary = True, "changes applied"
        result.next_step = "push is for development: generate a migration for other environments"
    elif envelope.status == NO_CHANGES:
        result.ok, result.summary = True, "no changes detected"
        result.next_step = "the database already matches the schema"
    else:
        _failed(result, envelope, "push")
        if envelope.error.get("code") == "query_error":
            result.next_step = ("push runs statements one by one without a transaction: statements before the "
                                "error stayed applied; check the schema (neontui status) before pushing again")
    return result


def _confirm_then_push(project: Project, args: Sequence[str], plan: Resolved, *, url: str | None, answer: Answer,
                       on_event: EventSink, timeout: float) -> Resolved:
    """--strict: the planned statements as a confirmation (0.31's choices), then the push with the same hints."""
    statements = plan.envelope.data.get("statements")
    sql = explain_statements(project, args, url=url, hints=plan.hints, timeout=timeout)
    prompt = Prompt(question=CONFIRM_QUESTION, choices=("No, abort", "Yes, I want to execute all statements"),
                    selected=0, statements=sql, context=() if sql else tuple(
                        describe_statement(s) for s in statements or [] if isinstance(s, dict)))
    on_event(prompt)
    if answer(prompt) != 1:
        return Resolved(plan.envelope, plan.hints, prompt.question)
    return resolve(project, "push", args, url=url, answer=answer, on_event=on_event, timeout=timeout,
                   hints=plan.hints)


def check(project: Project, *, on_event: EventSink, timeout: float) -> KitResult:
    envelope = resolve(project, "check", [], url=None, answer=lambda _p: None, on_event=on_event,
                       timeout=timeout).envelope
    result = _result("check", envelope, Resolved(envelope))
    result.warnings = [str(w.get("message")) for w in envelope.data.get("warnings") or [] if isinstance(w, dict)]
    if envelope.status == OK:
        result.ok = True
        result.summary = "the migrations folder is consistent" + (
            f" (warning: {result.warnings[0]})" if result.warnings else "")
        result.next_step = "nothing to fix" if not result.warnings else "see the warning"
    else:
        _failed(result, envelope, "check")
    return result


def up(project: Project, *, on_event: EventSink, timeout: float) -> KitResult:
    envelope = resolve(project, "up", [], url=None, answer=lambda _p: None, on_event=on_event,
                       timeout=timeout).envelope
    result = _result("up", envelope, Resolved(envelope))
    if envelope.status in (OK, NO_CHANGES):
        result.ok, result.summary, result.next_step = True, "the migrations folder is up to date", "generate as usual"
    else:
        _failed(result, envelope, "up")
    return result


# --- results -------------------------------------------------------------------------------------------------


def _result(command: str, envelope: Envelope, done: Resolved) -> KitResult:
    return KitResult(command, False, "", "", envelope.returncode, aborted=done.aborted, lines=envelope.stderr,
                     hints=done.hints, kit_line=LINE_1)


def _aborted(result: KitResult, question: str) -> None:
    result.summary = f"aborted at drizzle-kit's question: {question}"
    result.next_step = "run again and answer it (e.g. --rename old:new, --create name or --accept-data-loss)"


def _failed(result: KitResult, envelope: Envelope, command: str) -> None:
    """An error envelope (or none at all) as one summary line and one next step."""
    error = envelope.error
    code = str(error.get("code") or "")
    conflicts = parse_conflicts(error)
    if envelope.status == NO_ENVELOPE:
        last = envelope.stderr[-1] if envelope.stderr else "no output"
        result.summary = f"drizzle-kit {command} exited {envelope.returncode} without an answer: {last}"
        result.next_step = ("check the connection (neontui doctor) and run again" if command == "push"
                            else "fix the error above and run again")
    elif conflicts is not None:
        result.conflicts = [c.to_json() for c in conflicts.conflicts]
        result.errors = [describe(c) for c in conflicts.conflicts]
        result.summary = "; ".join(result.errors) or "the migration branches conflict"
        result.next_step = way_out(conflicts)
    elif code == "migrations_outdated_error":
        result.summary = f"drizzle-kit {command}: the migrations folder is in the 0.x format, which drizzle-kit " \
                         "1.0 refuses"
        result.next_step = "run neontui upgrade"
    else:
        detail = _error_detail(error, envelope.stderr)
        result.errors = [detail]
        result.summary = f"drizzle-kit {command} failed: {detail}"
        result.next_step = "fix the error above, then run again"


def _error_detail(error: dict[str, Any], stderr: list[str]) -> str:
    """The error code with its most telling field; for a query error the database's message from stderr
    (`┌── query error: <message>`) and the statement."""
    code = str(error.get("code") or "error")
    if code == "query_error":
        reason = next((line.split("query error:", 1)[1].strip() for line in stderr if "query error:" in line), "")
        return f"{reason or 'the database refused a statement'}: {str(error.get('sql') or '').strip()}"
    for key in ("message", "kind", "path", "out", "packages", "issues"):
        if error.get(key):
            return f"{code} ({key}: {error[key]})"
    return code + (f": {stderr[-1]}" if stderr else "")


def _entries(project: Project):
    try:
        return list(read_migrations(project.out_dir, allow_empty=True).entries)
    except JournalError:
        return []


def _tags(project: Project) -> set[str]:
    return {e.tag for e in _entries(project)}
