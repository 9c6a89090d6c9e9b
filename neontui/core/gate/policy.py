"""The one gate every path (CLI, TUI, CI) asks before acting on a database: `decide`.

Policy (D = development, P = production; "errors" = non-suppressed findings with severity ERROR):

| action   | development                   | production                                                          |
| -------- | ----------------------------- | ------------------------------------------------------------------- |
| check    | allowed                       | allowed (reads only)                                                |
| generate | allowed                       | allowed (writes migration files, never the database)                |
| studio   | allowed                       | allowed, with a warning: edits there bypass the review              |
| dry-run  | allowed, even with errors     | complete checklist (so no errors); no typed confirmation            |
| migrate  | refused when there are errors | complete checklist + typed confirmation == database name            |
| push     | allowed                       | refused unless the target has allow_push = true; then as migrate    |
| rehearse | allowed                       | allowed (runs on a disposable copy; it is what proves "tested")     |
| backup   | allowed                       | allowed (adds a branch or a database; changes nothing)              |
| diff     | allowed                       | allowed (reads only)                                                |
| restore  | typed confirmation            | typed confirmation (it rewinds the database; no checklist applies)  |

Why:
* A dry run exists to find errors, so development never blocks it. On production it takes real locks (it runs
  the statements and rolls back), so it needs the reviewed, complete checklist; nothing is committed, so no
  typed confirmation.
* Errors will certainly fail the run (docs/review.md#severities), so even in development migrate refuses them. Push is
  not gated on them in development: it does not apply the migration files the findings are about.
* Studio edits rows, not the schema, and browsing production is common; it stays allowed with a warning in
  `Decision.warnings` (reasons are only ever the reasons for a refusal).
* In production the checklist must also cover every current finding (a checklist built before a new finding
  appeared is stale), and errors are reported by rule id rather than as one more unchecked item.
* A failed rehearsal of exactly this pending set (Checklist.rehearsal_failure) locks migrate, push and the dry run
  in production with its reason, whatever the checklist says, until a rehearsal succeeds: what failed on a copy
  of the target will fail on the target.
* `backup_planned`: the apply takes a backup (a Neon backup branch) itself before its first statement and stops if
  it cannot, so the `backup-taken` item does not hold the gate; the apply checks it with its evidence.
* Restore needs the typed database name everywhere: it throws away everything written since the backup.
* The confirmation text is the target's `database` setting, else the `database` argument (the URL's database
  name). It is compared exactly (case-sensitive) after trimming surrounding whitespace. `Decision.confirmation`
  is set whenever the action requires a typed confirmation, allowed or not, so a UI knows what to ask for.

A refusal is a `Refusal`: a reason code, the blocking checklist item ids (or error rule ids) and its one
user-facing line, so the CLI and the console decide what to do from the code and only print the text. A refused
action exits 1 (ExitCode.PENDING: nothing ran), as the README's exit-code table says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from neontui.core.gate.checklist import BACKUP_ID, Checklist, derived_items
from neontui.core.gate.environment import Environment
from neontui.core.gate.settings import Target
from neontui.core.safety.model import Finding, Severity

__all__ = ["Action", "Decision", "Reason", "Refusal", "decide"]


class Action(StrEnum):
    MIGRATE = "migrate"
    PUSH = "push"
    GENERATE = "generate"
    STUDIO = "studio"
    DRY_RUN = "dry-run"
    CHECK = "check"
    REHEARSE = "rehearse"
    BACKUP = "backup"
    DIFF = "diff"
    RESTORE = "restore"


class Reason(StrEnum):
    """Why an action was refused: what a front tests (never the text)."""

    ERRORS = "errors"  # error-severity findings: fix them, they cannot be acknowledged
    NO_CHECKLIST = "no-checklist"
    UNCHECKED = "unchecked"  # checklist items still open (Refusal.items: their ids)
    STALE_CHECKLIST = "stale-checklist"  # the checklist does not cover the current findings
    PUSH_NOT_ALLOWED = "push-not-allowed"  # production target without allow_push
    CONFIRMATION_UNKNOWN = "confirmation-unknown"  # no database name to confirm with
    CONFIRMATION_MISSING = "confirmation-missing"  # the database name has not been typed yet
    CONFIRMATION_MISMATCH = "confirmation-mismatch"
    REHEARSAL_FAILED = "rehearsal-failed"  # the last rehearsal of this pending set failed


@dataclass(frozen=True)
class Refusal:
    code: Reason
    text: str  # the one user-facing line
    items: tuple[str, ...] = ()  # the checklist item ids (UNCHECKED, STALE_CHECKLIST) or rule ids (ERRORS)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    refusals: tuple[Refusal, ...] = ()  # why not; empty when allowed
    confirmation: str | None = None  # the text the operator must type (the database name) when required
    warnings: tuple[str, ...] = ()  # allowed, but worth saying (e.g. studio on production)

    @property
    def codes(self) -> tuple[Reason, ...]:
        return tuple(r.code for r in self.refusals)

    @property
    def reasons(self) -> tuple[str, ...]:
        """One user-facing line per refusal."""
        return tuple(r.text for r in self.refusals)

    @property
    def needs_confirmation(self) -> bool:
        """Refused only because the database name has not been typed: what a front asks for."""
        return bool(self.refusals) and set(self.codes) == {Reason.CONFIRMATION_MISSING}

    @property
    def blocked_by(self) -> tuple[str, ...]:
        """The checklist items that keep the action locked."""
        return tuple(i for r in self.refusals if r.code in (Reason.UNCHECKED, Reason.STALE_CHECKLIST)
                     for i in r.items)

    def refusals_except(self, *codes: Reason) -> tuple[Refusal, ...]:
        return tuple(r for r in self.refusals if r.code not in codes)


_ALWAYS = (Action.CHECK, Action.GENERATE, Action.STUDIO, Action.REHEARSE, Action.BACKUP, Action.DIFF)
_CONFIRMED = (Action.MIGRATE, Action.PUSH)  # production actions that commit to the database


def decide(
    action: Action,
    environment: Environment,
    checklist: Checklist | None,
    findings: Sequence[Finding],
    *,
    target: Target | None = None,
    database: str | None = None,
    typed_confirmation: str | None = None,
    backup_planned: bool = False,
) -> Decision:
    """Whether `action` may run now; see the module docstring for the table."""
    action = Action(action)
    if action is Action.RESTORE:
        refusal = _confirmation_refusal(action, target, database, typed_confirmation)
        confirmation = (target.database if target is not None else None) or database
        return Decision(refusal is None, (refusal,) if refusal else (), confirmation)
    errors = [f for f in findings if not f.suppressed and f.severity is Severity.ERROR]

    if action in _ALWAYS:
        if action is Action.STUDIO and environment.production:
            return Decision(True, warnings=("studio on production: edits made there bypass the migration review",))
        return Decision(True)

    if not environment.production:
        if action is Action.MIGRATE and errors:
            return Decision(False, (_errors_refusal(action, errors),))
        return Decision(True)

    # --- production
    if action is Action.PUSH and not (target is not None and target.allow_push):
        where = f"for target {target.name}" if target is not None else "for the target"
        return Decision(False, (Refusal(
            Reason.PUSH_NOT_ALLOWED,
            f"push is a development tool: refused in production (set allow_push = true {where} in neontui.toml "
            "to allow it)",
        ),))

    reasons: list[Refusal] = []
    if errors:
        reasons.append(_errors_refusal(action, errors))
    failed = checklist.rehearsal_failure if checklist is not None else None
    if failed is not None:
        reasons.append(Refusal(Reason.REHEARSAL_FAILED, f"{action} locked: the rehearsal of this pending set failed "
                                                        f"({failed}); fix it and run neontui rehearse again"))
    reasons += _checklist_refusals(action, checklist, findings, errors_reported=bool(errors),
                                   backup_planned=backup_planned)

    confirmation = None  # typed as in the restore branch above (str | None); a second annotation is a redefinition
    if action in _CONFIRMED:
        confirmation = (target.database if target is not None else None) or database
        refusal = _confirmation_refusal(action, target, database, typed_confirmation)
        if refusal is not None:
            reasons.append(refusal)

    warnings = ("dry-run on production takes real locks until it rolls back",) if action is Action.DRY_RUN else ()
    return Decision(not reasons, tuple(reasons), confirmation, warnings)


def _confirmation_refusal(action: Action, target: Target | None, database: str | None,
                          typed_confirmation: str | None) -> Refusal | None:
    """Why the typed confirmation does not (yet) allow `action`: unknown name, not typed, or mistyped."""
    confirmation = (target.database if target is not None else None) or database
    if confirmation is None:
        where = f"for target {target.name}" if target is not None else "for the target"
        return Refusal(Reason.CONFIRMATION_UNKNOWN, f"{action} locked: the database name to confirm is unknown (set "
                                                    f"database = \"…\" {where} in neontui.toml)")
    if typed_confirmation is None:
        return Refusal(Reason.CONFIRMATION_MISSING, f"type the database name {confirmation} to confirm")
    if typed_confirmation.strip() != confirmation:
        return Refusal(Reason.CONFIRMATION_MISMATCH, f"typed confirmation '{typed_confirmation.strip()}' does not "
                                                     f"match the database name '{confirmation}'")
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _errors_refusal(action: Action, errors: Sequence[Finding]) -> Refusal:
    rules = tuple(dict.fromkeys(f.rule for f in errors))
    return Refusal(Reason.ERRORS, f"{action} blocked: {_plural(len(errors), 'error')} must be fixed first (errors "
                                  f"cannot be acknowledged): {', '.join(rules)}", rules)


def _checklist_refusals(
    action: Action, checklist: Checklist | None, findings: Sequence[Finding], *, errors_reported: bool,
    backup_planned: bool = False,
) -> list[Refusal]:
    if checklist is None:
        return [Refusal(Reason.NO_CHECKLIST, f"{action} locked: the safety checklist has not been filled in")]
    reasons: list[Refusal] = []
    items = {item.id: item for item in checklist.items}
    # Unchecked items the operator can still check; the errors item is reported above by rule id.
    open_items = [i for i in items.values() if not i.checked and (i.can_check or not errors_reported)
                  and not (backup_planned and i.id == BACKUP_ID)]
    if open_items:
        labels = ", ".join(i.label for i in open_items)
        reasons.append(Refusal(Reason.UNCHECKED, f"{action} locked: {_plural(len(open_items), 'checklist item')} "
                                                 f"unchecked ({labels})", tuple(i.id for i in open_items)))
    # The checklist must be the one for these findings: every required item present, covering the same findings.
    stale = [
        req.id for req in derived_items(findings)
        if req.can_check and (req.id not in items or items[req.id].findings != req.findings)
    ]
    if stale:
        reasons.append(Refusal(Reason.STALE_CHECKLIST, f"{action} locked: the checklist does not cover the current "
                                                       f"findings ({', '.join(stale)}); review them again",
                               tuple(stale)))
    return reasons
