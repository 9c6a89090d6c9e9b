"""Small read-only widgets: the status bar and the selected finding's details."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from neontui.core.display import finding_label, finding_notes
from neontui.core.redact import redact
from neontui.core.safety.model import Finding


class FindingDetail(Static):
    """The selected finding: rule, place, lock, why, and the safe alternative with the user's own names."""

    DEFAULT_CSS = """
    FindingDetail { height: auto; max-height: 12; border: round $warning; padding: 0 1; display: none; }
    FindingDetail.shown { display: block; }
    """

    def show(self, finding: Finding) -> None:
        head = (f"{finding_label(finding)} {finding.tag} statement {finding.statement} "
                f"(line {finding.line}, column {finding.column})")
        lines = [finding.message, *(f"{name}: {text}" for name, text in finding_notes(finding))]
        if finding.suggestion:
            lines += ["safe alternative:", *("  " + line for line in finding.suggestion.splitlines())]
        # Text, not markup: SQL and rule ids contain square brackets
        self.update(Text.assemble((redact(head), "bold"), "\n", redact("\n".join(lines))))
        self.add_class("shown")


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    StatusBar.production { background: $error; color: $text; text-style: bold; }
    """
