"""The policy gate: every action × environment × checklist state × confirmation (× allow_push), as explicit rows."""

from __future__ import annotations

import pytest

from neontui.core.gate.checklist import Checklist, pending_key
from neontui.core.gate.environment import Environment
from neontui.core.gate.policy import Action, Decision, Reason, Refusal, decide
from neontui.core.gate.settings import Target
from neontui.core.safety.model import DangerClass, Finding, Severity
from tests.factories import finding

KEY = pending_key([("0001_users", "b" * 64)])
PRODUCTION = Environment("prod", True, "target prod has production = true in neontui.toml", "prod")
DEVELOPMENT = Environment("development", False, "localhost target", None)
ENVIRONMENTS = {"prod": PRODUCTION, "dev": DEVELOPMENT}
TYPED = {"none": None, "wrong": "neodb", "right": "neondb"}
DB = "neondb"


DROP_COLUMN = finding("drop-column", DangerClass.DATA_LOSS)
SYNTAX = finding("syntax-error", DangerClass.OTHER, Severity.ERROR, statement=1)


def checklist_for(state: str) -> tuple[Checklist, list[Finding]]:
    """complete: every item checked; incomplete: two seed items open; errors: all it can be, plus an error."""
    findings = [DROP_COLUMN, SYNTAX] if state == "errors" else [DROP_COLUMN]
    checklist = Checklist(KEY, findings)
    for item in checklist.items:
        if item.can_check and not (state == "incomplete" and item.id in ("tested-in-development", "backup-taken")):
            checklist.check(item.id, by="tester")
    return checklist, findings


UNCHECKED = "2 checklist items unchecked (Tested in development, Database backed up (restore point or branch))"
OPEN_ITEMS = ("tested-in-development", "backup-taken")
# Each refusal as the policy answers it: the code a front tests, the line a user reads, the blocking ids.
M_UNCHECKED = Refusal(Reason.UNCHECKED, f"migrate locked: {UNCHECKED}", OPEN_ITEMS)
P_UNCHECKED = Refusal(Reason.UNCHECKED, f"push locked: {UNCHECKED}", OPEN_ITEMS)
D_UNCHECKED = Refusal(Reason.UNCHECKED, f"dry-run locked: {UNCHECKED}", OPEN_ITEMS)
_ERRORS = "blocked: 1 error must be fixed first (errors cannot be acknowledged): syntax-error"
M_ERRORS = Refusal(Reason.ERRORS, f"migrate {_ERRORS}", ("syntax-error",))
P_ERRORS = Refusal(Reason.ERRORS, f"push {_ERRORS}", ("syntax-error",))
D_ERRORS = Refusal(Reason.ERRORS, f"dry-run {_ERRORS}", ("syntax-error",))
TYPE_DB = Refusal(Reason.CONFIRMATION_MISSING, "type the database name neondb to confirm")
WRONG_DB = Refusal(Reason.CONFIRMATION_MISMATCH, "typed confirmation 'neodb' does not match the database name 'neondb'")
PUSH_REFUSED = Refusal(Reason.PUSH_NOT_ALLOWED, "push is a development tool: refused in production (set allow_push = "
                                                "true for target prod in neontui.toml to allow it)")
STUDIO_WARNING = "studio on production: edits made there bypass the migration review"
DRY_RUN_WARNING = "dry-run on production takes real locks until it rolls back"

# action, environment, checklist, typed confirmation, allow_push, allowed, reasons, confirmation, warnings
TABLE = [
    ("check",    "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("check",    "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("check",    "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("check",    "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("check",    "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("check",    "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("check",    "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("check",    "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("check",    "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("check",    "prod", "complete",   "none",  False, True,  (),                      None, ()),
    ("check",    "prod", "complete",   "wrong", False, True,  (),                      None, ()),
    ("check",    "prod", "complete",   "right", False, True,  (),                      None, ()),
    ("check",    "prod", "incomplete", "none",  False, True,  (),                      None, ()),
    ("check",    "prod", "incomplete", "wrong", False, True,  (),                      None, ()),
    ("check",    "prod", "incomplete", "right", False, True,  (),                      None, ()),
    ("check",    "prod", "errors",     "none",  False, True,  (),                      None, ()),
    ("check",    "prod", "errors",     "wrong", False, True,  (),                      None, ()),
    ("check",    "prod", "errors",     "right", False, True,  (),                      None, ()),
    ("generate", "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("generate", "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("generate", "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("generate", "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("generate", "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("generate", "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("generate", "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("generate", "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("generate", "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("generate", "prod", "complete",   "none",  False, True,  (),                      None, ()),
    ("generate", "prod", "complete",   "wrong", False, True,  (),                      None, ()),
    ("generate", "prod", "complete",   "right", False, True,  (),                      None, ()),
    ("generate", "prod", "incomplete", "none",  False, True,  (),                      None, ()),
    ("generate", "prod", "incomplete", "wrong", False, True,  (),                      None, ()),
    ("generate", "prod", "incomplete", "right", False, True,  (),                      None, ()),
    ("generate", "prod", "errors",     "none",  False, True,  (),                      None, ()),
    ("generate", "prod", "errors",     "wrong", False, True,  (),                      None, ()),
    ("generate", "prod", "errors",     "right", False, True,  (),                      None, ()),
    ("studio",   "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("studio",   "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("studio",   "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("studio",   "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("studio",   "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("studio",   "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("studio",   "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("studio",   "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("studio",   "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("studio",   "prod", "complete",   "none",  False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "complete",   "wrong", False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "complete",   "right", False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "incomplete", "none",  False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "incomplete", "wrong", False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "incomplete", "right", False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "errors",     "none",  False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "errors",     "wrong", False, True,  (),                      None, (STUDIO_WARNING,)),
    ("studio",   "prod", "errors",     "right", False, True,  (),                      None, (STUDIO_WARNING,)),
    ("dry-run",  "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("dry-run",  "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("dry-run",  "prod", "complete",   "none",  False, True,  (),                      None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "complete",   "wrong", False, True,  (),                      None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "complete",   "right", False, True,  (),                      None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "incomplete", "none",  False, False, (D_UNCHECKED,),          None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "incomplete", "wrong", False, False, (D_UNCHECKED,),          None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "incomplete", "right", False, False, (D_UNCHECKED,),          None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "errors",     "none",  False, False, (D_ERRORS,),             None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "errors",     "wrong", False, False, (D_ERRORS,),             None, (DRY_RUN_WARNING,)),
    ("dry-run",  "prod", "errors",     "right", False, False, (D_ERRORS,),             None, (DRY_RUN_WARNING,)),
    ("migrate",  "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("migrate",  "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("migrate",  "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("migrate",  "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("migrate",  "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("migrate",  "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("migrate",  "dev",  "errors",     "none",  False, False, (M_ERRORS,),             None, ()),
    ("migrate",  "dev",  "errors",     "wrong", False, False, (M_ERRORS,),             None, ()),
    ("migrate",  "dev",  "errors",     "right", False, False, (M_ERRORS,),             None, ()),
    ("migrate",  "prod", "complete",   "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("migrate",  "prod", "complete",   "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("migrate",  "prod", "complete",   "right", False, True,  (),                      DB,   ()),
    ("migrate",  "prod", "incomplete", "none",  False, False, (M_UNCHECKED, TYPE_DB),  DB,   ()),
    ("migrate",  "prod", "incomplete", "wrong", False, False, (M_UNCHECKED, WRONG_DB), DB,   ()),
    ("migrate",  "prod", "incomplete", "right", False, False, (M_UNCHECKED,),          DB,   ()),
    ("migrate",  "prod", "errors",     "none",  False, False, (M_ERRORS, TYPE_DB),     DB,   ()),
    ("migrate",  "prod", "errors",     "wrong", False, False, (M_ERRORS, WRONG_DB),    DB,   ()),
    ("migrate",  "prod", "errors",     "right", False, False, (M_ERRORS,),             DB,   ()),
    ("push",     "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("push",     "dev",  "complete",   "none",  True,  True,  (),                      None, ()),
    ("push",     "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("push",     "dev",  "complete",   "wrong", True,  True,  (),                      None, ()),
    ("push",     "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("push",     "dev",  "complete",   "right", True,  True,  (),                      None, ()),
    ("push",     "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("push",     "dev",  "incomplete", "none",  True,  True,  (),                      None, ()),
    ("push",     "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("push",     "dev",  "incomplete", "wrong", True,  True,  (),                      None, ()),
    ("push",     "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("push",     "dev",  "incomplete", "right", True,  True,  (),                      None, ()),
    ("push",     "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("push",     "dev",  "errors",     "none",  True,  True,  (),                      None, ()),
    ("push",     "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("push",     "dev",  "errors",     "wrong", True,  True,  (),                      None, ()),
    ("push",     "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("push",     "dev",  "errors",     "right", True,  True,  (),                      None, ()),
    ("push",     "prod", "complete",   "none",  False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "complete",   "none",  True,  False, (TYPE_DB,),              DB,   ()),
    ("push",     "prod", "complete",   "wrong", False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "complete",   "wrong", True,  False, (WRONG_DB,),             DB,   ()),
    ("push",     "prod", "complete",   "right", False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "complete",   "right", True,  True,  (),                      DB,   ()),
    ("push",     "prod", "incomplete", "none",  False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "incomplete", "none",  True,  False, (P_UNCHECKED, TYPE_DB),  DB,   ()),
    ("push",     "prod", "incomplete", "wrong", False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "incomplete", "wrong", True,  False, (P_UNCHECKED, WRONG_DB), DB,   ()),
    ("push",     "prod", "incomplete", "right", False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "incomplete", "right", True,  False, (P_UNCHECKED,),          DB,   ()),
    ("push",     "prod", "errors",     "none",  False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "errors",     "none",  True,  False, (P_ERRORS, TYPE_DB),     DB,   ()),
    ("push",     "prod", "errors",     "wrong", False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "errors",     "wrong", True,  False, (P_ERRORS, WRONG_DB),    DB,   ()),
    ("push",     "prod", "errors",     "right", False, False, (PUSH_REFUSED,),         None, ()),
    ("push",     "prod", "errors",     "right", True,  False, (P_ERRORS,),             DB,   ()),
    ("rehearse", "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("rehearse", "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("rehearse", "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("rehearse", "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("rehearse", "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("rehearse", "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("rehearse", "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("rehearse", "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("rehearse", "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("rehearse", "prod", "complete",   "none",  False, True,  (),                      None, ()),
    ("rehearse", "prod", "complete",   "wrong", False, True,  (),                      None, ()),
    ("rehearse", "prod", "complete",   "right", False, True,  (),                      None, ()),
    ("rehearse", "prod", "incomplete", "none",  False, True,  (),                      None, ()),
    ("rehearse", "prod", "incomplete", "wrong", False, True,  (),                      None, ()),
    ("rehearse", "prod", "incomplete", "right", False, True,  (),                      None, ()),
    ("rehearse", "prod", "errors",     "none",  False, True,  (),                      None, ()),
    ("rehearse", "prod", "errors",     "wrong", False, True,  (),                      None, ()),
    ("rehearse", "prod", "errors",     "right", False, True,  (),                      None, ()),
    ("backup",   "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("backup",   "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("backup",   "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("backup",   "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("backup",   "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("backup",   "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("backup",   "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("backup",   "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("backup",   "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("backup",   "prod", "complete",   "none",  False, True,  (),                      None, ()),
    ("backup",   "prod", "complete",   "wrong", False, True,  (),                      None, ()),
    ("backup",   "prod", "complete",   "right", False, True,  (),                      None, ()),
    ("backup",   "prod", "incomplete", "none",  False, True,  (),                      None, ()),
    ("backup",   "prod", "incomplete", "wrong", False, True,  (),                      None, ()),
    ("backup",   "prod", "incomplete", "right", False, True,  (),                      None, ()),
    ("backup",   "prod", "errors",     "none",  False, True,  (),                      None, ()),
    ("backup",   "prod", "errors",     "wrong", False, True,  (),                      None, ()),
    ("backup",   "prod", "errors",     "right", False, True,  (),                      None, ()),
    ("diff",     "dev",  "complete",   "none",  False, True,  (),                      None, ()),
    ("diff",     "dev",  "complete",   "wrong", False, True,  (),                      None, ()),
    ("diff",     "dev",  "complete",   "right", False, True,  (),                      None, ()),
    ("diff",     "dev",  "incomplete", "none",  False, True,  (),                      None, ()),
    ("diff",     "dev",  "incomplete", "wrong", False, True,  (),                      None, ()),
    ("diff",     "dev",  "incomplete", "right", False, True,  (),                      None, ()),
    ("diff",     "dev",  "errors",     "none",  False, True,  (),                      None, ()),
    ("diff",     "dev",  "errors",     "wrong", False, True,  (),                      None, ()),
    ("diff",     "dev",  "errors",     "right", False, True,  (),                      None, ()),
    ("diff",     "prod", "complete",   "none",  False, True,  (),                      None, ()),
    ("diff",     "prod", "complete",   "wrong", False, True,  (),                      None, ()),
    ("diff",     "prod", "complete",   "right", False, True,  (),                      None, ()),
    ("diff",     "prod", "incomplete", "none",  False, True,  (),                      None, ()),
    ("diff",     "prod", "incomplete", "wrong", False, True,  (),                      None, ()),
    ("diff",     "prod", "incomplete", "right", False, True,  (),                      None, ()),
    ("diff",     "prod", "errors",     "none",  False, True,  (),                      None, ()),
    ("diff",     "prod", "errors",     "wrong", False, True,  (),                      None, ()),
    ("diff",     "prod", "errors",     "right", False, True,  (),                      None, ()),
    ("restore",  "dev",  "complete",   "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("restore",  "dev",  "complete",   "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("restore",  "dev",  "complete",   "right", False, True,  (),                      DB,   ()),
    ("restore",  "dev",  "incomplete", "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("restore",  "dev",  "incomplete", "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("restore",  "dev",  "incomplete", "right", False, True,  (),                      DB,   ()),
    ("restore",  "dev",  "errors",     "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("restore",  "dev",  "errors",     "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("restore",  "dev",  "errors",     "right", False, True,  (),                      DB,   ()),
    ("restore",  "prod", "complete",   "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("restore",  "prod", "complete",   "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("restore",  "prod", "complete",   "right", False, True,  (),                      DB,   ()),
    ("restore",  "prod", "incomplete", "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("restore",  "prod", "incomplete", "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("restore",  "prod", "incomplete", "right", False, True,  (),                      DB,   ()),
    ("restore",  "prod", "errors",     "none",  False, False, (TYPE_DB,),              DB,   ()),
    ("restore",  "prod", "errors",     "wrong", False, False, (WRONG_DB,),             DB,   ()),
    ("restore",  "prod", "errors",     "right", False, True,  (),                      DB,   ()),
]


def test_the_table_covers_every_combination() -> None:
    combos = {row[:5] for row in TABLE}
    assert len(combos) == len(TABLE) == 9 * 2 * 3 * 3 + 2 * 3 * 3 * 2  # push also varies allow_push
    assert {row[0] for row in TABLE} == {str(a) for a in Action}


@pytest.mark.parametrize(
    ("action", "env", "state", "typed", "allow_push", "allowed", "reasons", "confirmation", "warnings"),
    TABLE,
    ids=["-".join(str(v) for v in row[:5]) for row in TABLE],
)
def test_policy_table(action: str, env: str, state: str, typed: str, allow_push: bool, allowed: bool,
                      reasons: tuple[Refusal, ...], confirmation: str | None, warnings: tuple[str, ...]) -> None:
    checklist, findings = checklist_for(state)
    target = Target("prod", "PROD_DATABASE_URL", True, allow_push, None)
    decision = decide(Action(action), ENVIRONMENTS[env], checklist, findings, target=target, database=DB,
                      typed_confirmation=TYPED[typed])
    assert decision == Decision(allowed, reasons, confirmation, warnings)
    assert decision.needs_confirmation == (reasons == (TYPE_DB,))
    assert decision.blocked_by == (OPEN_ITEMS if P_UNCHECKED.code in decision.codes else ())


# --- details the table does not show ---------------------------------------------------------------------


def test_a_front_reads_codes_and_prints_the_lines() -> None:
    checklist, findings = checklist_for("incomplete")
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB)
    assert decision.codes == (Reason.UNCHECKED, Reason.CONFIRMATION_MISSING)
    assert decision.reasons == (M_UNCHECKED.text, TYPE_DB.text)
    assert not decision.needs_confirmation  # typing the name would not be enough
    assert decision.refusals_except(Reason.CONFIRMATION_MISSING) == (M_UNCHECKED,)


def test_action_may_be_given_as_its_string() -> None:
    assert decide("dry-run", DEVELOPMENT, None, [SYNTAX]).allowed  # type: ignore[arg-type]


def test_target_database_setting_is_the_confirmation_text() -> None:
    checklist, findings = checklist_for("complete")
    target = Target("prod", None, True, False, "billing")
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, findings, target=target, database=DB,
                      typed_confirmation=DB)
    assert decision == Decision(False, (Refusal(
        Reason.CONFIRMATION_MISMATCH, "typed confirmation 'neondb' does not match the database name 'billing'"),),
        "billing")
    assert decide(Action.MIGRATE, PRODUCTION, checklist, findings, target=target, database=DB,
                  typed_confirmation="billing").allowed


def test_confirmation_is_trimmed_but_case_sensitive() -> None:
    checklist, findings = checklist_for("complete")
    assert decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation=" neondb\n").allowed
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation="NeonDB")
    assert decision.reasons == ("typed confirmation 'NeonDB' does not match the database name 'neondb'",)


def test_unknown_database_name_cannot_be_confirmed() -> None:
    checklist, findings = checklist_for("complete")
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, findings, target=Target("prod"), typed_confirmation="x")
    assert decision == Decision(False, (Refusal(
        Reason.CONFIRMATION_UNKNOWN,
        'migrate locked: the database name to confirm is unknown (set database = "…" for target prod in '
        "neontui.toml)",
    ),))


def test_production_without_a_checklist() -> None:
    decision = decide(Action.DRY_RUN, PRODUCTION, None, [])
    assert decision.refusals == (Refusal(Reason.NO_CHECKLIST,
                                         "dry-run locked: the safety checklist has not been filled in"),)
    assert decide(Action.MIGRATE, DEVELOPMENT, None, []).allowed


def test_push_refusal_without_a_target() -> None:
    decision = decide(Action.PUSH, PRODUCTION, None, [])
    assert decision.reasons == ("push is a development tool: refused in production (set allow_push = true for the "
                                "target in neontui.toml to allow it)",)


def test_a_checklist_built_for_other_findings_is_stale() -> None:
    checklist = Checklist(KEY, [])  # built before the data-loss finding appeared
    for item in checklist.items:
        checklist.check(item.id, by="tester")
    assert checklist.complete
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, [DROP_COLUMN], database=DB, typed_confirmation=DB)
    assert decision.refusals == (Refusal(
        Reason.STALE_CHECKLIST,
        "migrate locked: the checklist does not cover the current findings (ack-data-loss); review them again",
        ("ack-data-loss",)),)
    assert decision.blocked_by == ("ack-data-loss",)


def test_a_checklist_with_errors_blocks_even_if_the_findings_passed_are_clean() -> None:
    checklist, _ = checklist_for("errors")
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, [DROP_COLUMN], database=DB, typed_confirmation=DB)
    assert decision.reasons == ("migrate locked: 1 checklist item unchecked (Fix 1 error: syntax-error)",)


def test_suppressed_errors_and_warnings_do_not_block() -> None:
    ignored = finding("syntax-error", DangerClass.OTHER, Severity.ERROR, suppressed=True)
    assert decide(Action.MIGRATE, DEVELOPMENT, None, [ignored]).allowed
    checklist = Checklist(KEY, [ignored])
    for item in checklist.items:
        checklist.check(item.id, by="tester")
    assert decide(Action.MIGRATE, PRODUCTION, checklist, [ignored], database=DB, typed_confirmation=DB).allowed


def test_several_errors_are_listed_once_per_rule() -> None:
    errors = [SYNTAX, finding("syntax-error", DangerClass.OTHER, Severity.ERROR, statement=2),
              finding("enum-add-value-in-transaction", DangerClass.OTHER, Severity.ERROR, statement=3)]
    decision = decide(Action.MIGRATE, DEVELOPMENT, None, errors)
    assert decision.reasons == ("migrate blocked: 3 errors must be fixed first (errors cannot be acknowledged): "
                                "syntax-error, enum-add-value-in-transaction",)


def test_one_unchecked_item_is_singular() -> None:
    checklist, findings = checklist_for("complete")
    checklist.uncheck("reviewed")
    decision = decide(Action.DRY_RUN, PRODUCTION, checklist, findings)
    assert decision.reasons == ("dry-run locked: 1 checklist item unchecked (Migration SQL reviewed for correctness)",)


# --- rehearsal, planned backup, restore -----------------------------------------------------------------

REHEARSAL_FAILED = ("the rehearsal of this pending set failed (ERROR: column \"email\" contains null values); fix it "
                    "and run neontui rehearse again")
FAILED_REHEARSAL = {"where": "neon branch rehearse-0001", "at": "2026-12-01T12:00:00+00:00",
                    "error": 'ERROR: column "email" contains null values'}


def test_a_failed_rehearsal_locks_production_until_one_succeeds() -> None:
    checklist, findings = checklist_for("complete")
    checklist.record_rehearsal(FAILED_REHEARSAL, ok=False)
    # Checking "tested" by hand again does not unlock it: what failed on a copy will fail on the target.
    checklist.check("tested-in-development", by="tester")
    for action in (Action.MIGRATE, Action.DRY_RUN):
        decision = decide(action, PRODUCTION, checklist, findings, database=DB, typed_confirmation=DB)
        assert decision.refusals == (Refusal(Reason.REHEARSAL_FAILED, f"{action} locked: {REHEARSAL_FAILED}"),)
        assert not decision.needs_confirmation and decision.blocked_by == ()
    push = decide(Action.PUSH, PRODUCTION, checklist, findings, target=Target("prod", None, True, True), database=DB,
                  typed_confirmation=DB)
    assert push.codes == (Reason.REHEARSAL_FAILED,)
    # Development is where a failure gets fixed: nothing there is locked by it.
    assert decide(Action.MIGRATE, DEVELOPMENT, checklist, findings).allowed
    assert decide(Action.REHEARSE, PRODUCTION, checklist, findings).allowed

    checklist.record_rehearsal({**FAILED_REHEARSAL, "error": None}, ok=True)
    assert decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation=DB).allowed


def test_a_failed_rehearsal_is_reported_next_to_the_other_reasons() -> None:
    checklist, findings = checklist_for("errors")
    checklist.record_rehearsal({"where": "a copy"}, ok=False)  # no error text recorded
    decision = decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB)
    assert decision.codes == (Reason.ERRORS, Reason.REHEARSAL_FAILED, Reason.UNCHECKED, Reason.CONFIRMATION_MISSING)
    assert decision.reasons[1] == ("migrate locked: the rehearsal of this pending set failed (the rehearsal failed); "
                                   "fix it and run neontui rehearse again")
    assert decision.blocked_by == ("tested-in-development",)  # the failure unchecked it


def test_a_planned_backup_leaves_only_the_backup_item_to_the_apply() -> None:
    checklist, findings = checklist_for("incomplete")  # tested-in-development and backup-taken open
    planned = decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation=DB,
                     backup_planned=True)
    assert planned.refusals == (Refusal(Reason.UNCHECKED, "migrate locked: 1 checklist item unchecked (Tested in "
                                        "development)", ("tested-in-development",)),)
    checklist.check("tested-in-development", by="tester")
    assert not checklist.complete
    assert decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation=DB,
                  backup_planned=True).allowed
    # Without a planned backup the same checklist still holds the gate on the backup item.
    unplanned = decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation=DB)
    assert unplanned.blocked_by == ("backup-taken",)
    # A planned backup is no typed confirmation, no fix for errors and no stand-in for another item.
    assert decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB,
                  backup_planned=True).codes == (Reason.CONFIRMATION_MISSING,)
    errors, error_findings = checklist_for("errors")
    errors.uncheck("backup-taken")
    assert decide(Action.MIGRATE, PRODUCTION, errors, error_findings, database=DB, typed_confirmation=DB,
                  backup_planned=True).codes == (Reason.ERRORS,)
    checklist.uncheck("no-destructive-without-backup")
    assert decide(Action.MIGRATE, PRODUCTION, checklist, findings, database=DB, typed_confirmation=DB,
                  backup_planned=True).blocked_by == ("no-destructive-without-backup",)


def test_restore_needs_the_typed_name_everywhere_and_nothing_else() -> None:
    for environment in (DEVELOPMENT, PRODUCTION):
        decision = decide(Action.RESTORE, environment, None, [SYNTAX], database=DB)
        assert decision == Decision(False, (TYPE_DB,), DB)
        assert decision.needs_confirmation
        assert decide(Action.RESTORE, environment, None, [SYNTAX], database=DB, typed_confirmation=" neondb ").allowed
    failed = Checklist(KEY)
    failed.record_rehearsal(FAILED_REHEARSAL, ok=False)  # a rewind is how a failed apply is undone: never locked
    assert decide(Action.RESTORE, PRODUCTION, failed, [], database=DB, typed_confirmation=DB).allowed
    target = Target("prod", None, True, False, "billing")
    assert decide(Action.RESTORE, DEVELOPMENT, None, [], target=target, database=DB,
                  typed_confirmation=DB).codes == (Reason.CONFIRMATION_MISMATCH,)
    assert decide(Action.RESTORE, DEVELOPMENT, None, [], target=Target("dev"), typed_confirmation="x").reasons == (
        'restore locked: the database name to confirm is unknown (set database = "…" for target dev in '
        "neontui.toml)",)
