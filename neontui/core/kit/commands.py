"""drizzle-kit commands with truthful results: what happened is read from the files, the ledger and the output,
not from the exit code (generate and push exit 0 on errors; migrate exits 1 and says nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.project import Project
from neontui.core.errors import JournalError
from neontui.core.kit import json_commands, push_plan
from neontui.core.kit.migrate_output import migrate_failure
from neontui.core.kit.result import Answer, EventSink, KitResult
from neontui.core.kit.session import Exited, KitSession, Prompt
from neontui.core.kit.versions import kit_versions

__all__ = ["Answer", "EventSink", "KitResult", "check", "generate", "migrate", "push", "run_session", "up"]

# push prints the database error as a Node inspect dump and still exits 0
# (docs/compatibility.md#drizzle-kit-exit-codes).
_PUSH_ERROR = re.compile(r"error:|\berror\b.*\bcode\b|PostgresError|DrizzleQueryError|code: '[0-9A-Z]{5}'",
                         re.IGNORECASE)
_COLLISION = re.compile(r"collision", re.IGNORECASE)


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


def uses_json(project: Project) -> bool:
    """The project's drizzle-kit is of the 1.0 line: its JSON envelopes and --hints replace the pseudo-terminal."""
    versions = kit_versions(project.config.root)
    return versions is not None and versions.is_v1


def generate(project: Project, *, name: str | None = None, custom: bool = False, answer: Answer,
             on_event: EventSink, timeout: float = 300) -> KitResult:
    if uses_json(project):
        return json_commands.generate(project, name=name, custom=custom, answer=answer, on_event=on_event,
                                      timeout=timeout)
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
    if uses_json(project):
        return json_commands.push(project, args=args, url=url, answer=answer, on_event=on_event, timeout=timeout)
    session = KitSession(project, "push", args, url=url, timeout=timeout).start()
    if "--strict" in args and "--verbose" in args and "--force" not in args:  # the SQL comes with its question
        answer, on_event = push_plan.with_statements(session, answer, on_event)
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
    if uses_json(project):
        return json_commands.check(project, on_event=on_event, timeout=timeout)
    session = KitSession(project, "check", timeout=timeout).start()
    code, _, _ = run_session(session, lambda _p: None, on_event)
    warnings = [line for line in session.lines if "warning" in line.lower() or _COLLISION.search(line)]
    ok = code == 0 and not warnings and any("Everything's fine" in line for line in session.lines)
    summary = "the migrations folder is consistent" if ok else (warnings[0] if warnings else _last(session.lines))
    next_step = "nothing to fix" if ok else "fix the journal or snapshots as the message says (see neontui status)"
    return KitResult("check", ok, summary, next_step, code, errors=warnings, lines=session.lines)


def up(project: Project, *, on_event: EventSink, timeout: float = 120) -> KitResult:
    if uses_json(project):
        return json_commands.up(project, on_event=on_event, timeout=timeout)
    session = KitSession(project, "up", timeout=timeout).start()
    code, _, _ = run_session(session, lambda _p: None, on_event)
    ok = code == 0
    return KitResult("up", ok, "snapshots are up to date" if ok else _last(session.lines),
                     "generate as usual" if ok else "fix the error above", code, lines=session.lines)


def migrate(project: Project, *, url: str | None = None, on_event: EventSink, timeout: float = 600) -> KitResult:
    """Plain `drizzle-kit migrate` on the project's folder (no lock, no review: `neontui migrate --engine
    drizzle-kit` is the guarded way). Its failure reason is read from the output (1.0 prints it, 0.31 does not)."""
    session = KitSession(project, "migrate", url=url, timeout=timeout).start()
    code, cancelled, _ = run_session(session, lambda _p: None, on_event)
    done = code == 0 and not cancelled and any("migrations applied successfully" in line for line in session.lines)
    if done:
        return KitResult("migrate", True, "drizzle-kit migrate finished", "neontui status shows what it applied",
                         code, lines=session.lines)
    reason = migrate_failure(session.lines) or f"it printed no reason: {_last(session.lines)}"
    return KitResult("migrate", False, f"drizzle-kit migrate failed (exit {code}): {reason}",
                     "nothing of the batch was applied (one transaction); fix the cause, then migrate again",
                     code, errors=[reason], lines=session.lines)


def _journal_entries(project: Project):
    try:
        return list(read_migrations(project.out_dir, allow_empty=True).entries)
    except JournalError:
        return []


def _tags(project: Project) -> set[str]:
    return {e.tag for e in _journal_entries(project)}


def _first(lines: Sequence[str], pattern: re.Pattern[str]) -> str:
    return next((line.strip() for line in lines if pattern.search(line)), "")


def _last(lines: Sequence[str]) -> str:
    return next((line.strip() for line in reversed(lines) if line.strip()), "no output")
