"""The rehearsal's report (key t): how it ended, every statement as observed on the copy, the schema change, and
whether the copy is gone; the same lines go to the live log (and so to the transcript).

The lines say what `neontui rehearse` prints, in the order an on-call engineer reads them; each statement is
`core.display.observed_line`, the one formatter both fronts use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from neontui.core.display import observed_line
from neontui.tui.screens.report import ReportScreen

if TYPE_CHECKING:
    from neontui.core.actions.rehearse import RehearseOutcome
    from neontui.core.migrate.rehearse import Rehearsal


def verdict(outcome: RehearseOutcome) -> str:
    """The one line an on-call engineer reads first."""
    report = outcome.report
    if report is None:
        if outcome.error is not None:
            return f"✗ the rehearsal did not run: {outcome.error.one_line()}"
        return "nothing pending: nothing to rehearse"
    if report.ok:
        return (f"✓ rehearsal passed: {len(report.applied)} of {len(report.migrations)} migration(s) applied on the "
                f"copy in {report.apply_duration:.3f}s")
    return f"✗ rehearsal FAILED on the copy: {report.failure()}"


def report_lines(outcome: RehearseOutcome) -> list[str]:
    """What an on-call engineer needs first, first: the verdict, where, each statement, the schema change in one line,
    whether the copy is gone, what the gate now says; the diff itself last (it can be long)."""
    lines = [verdict(outcome)]
    report = outcome.report
    if report is None:
        return lines
    lines.append(f"on {report.copy.label()}, a copy of {report.target} ({report.copy.why})")
    lines += [f"  {observed_line(s)}" for s in report.statements]
    if report.diff is not None:
        lines.append(f"schema change (target → copy): {report.diff.summary_line()}")
    elif report.diff_error is not None:
        lines.append(f"warning: no schema diff: {report.diff_error}")
    if report.removed:
        lines.append("the copy was removed; the target was not changed")
    elif report.removal_error:  # the target was not changed either way; the copy needs removing by hand
        lines.append(f"✗ the copy was NOT removed: {report.removal_error}")
    else:
        lines.append(f"the copy was kept: {report.copy.label()}")
    lines += _gate_lines(outcome, report)
    if report.diff is not None and report.diff.text:
        lines += ["schema diff (target → copy):", *(f"    {line}" for line in report.diff.text.splitlines())]
    return lines


def _gate_lines(outcome: RehearseOutcome, report: Rehearsal) -> list[str]:
    if not outcome.saved:
        return ["warning: the checklist could not be saved, so this rehearsal is not on record for the gate"]
    if report.ok:
        return ['checklist: "Tested in development" is checked with this rehearsal as evidence',
                "next: m applies the same batch to the target"]
    return ["the production gate stays locked for this pending set until a rehearsal succeeds",
            "next: fix the statement named above, then rehearse again (t)"]


def _style(index: int, line: str) -> str:
    """The verdict bold; failures red, warnings yellow, a pass green; the diff's lines (indented) as a diff."""
    if line.startswith("    "):
        body = line[4:]
        return "green" if body.startswith("+") else "red" if body.startswith("-") else "cyan" if \
            body.startswith("@@") else ""
    colour = ("red" if line.startswith("✗") or "  FAILED  " in line else "yellow" if line.startswith("warning")
              else "green" if line.startswith("✓") else "")
    return f"bold {colour}".strip() if index == 0 else colour


class RehearsalScreen(ReportScreen):
    """The report of one rehearsal."""

    def __init__(self, outcome: RehearseOutcome) -> None:
        ok = outcome.report is not None and outcome.report.ok
        super().__init__("Rehearsal on a disposable copy", report_lines(outcome), _style, failed=not ok)
        self.outcome, self.ok = outcome, ok
