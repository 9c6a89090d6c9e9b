"""One migration in detail (Enter on a journal row, or `i`): its full tag, why it is in its state, when it was
generated, its file and statements, its ledger row and its findings. Everything comes from the load's status and
review (core/drizzle/status.py decides the state, core/display.py says it in words); nothing is read again here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from neontui.core.display import finding_label, state_explanation
from neontui.core.drizzle.journal import when_utc
from neontui.core.redact import redact

if TYPE_CHECKING:
    from neontui.core.drizzle.status import MigrationStatus, Problem
    from neontui.core.safety import Finding


def utc_time(millis: int | None, fmt: str = "%Y-%m-%d %H:%M:%S UTC") -> str:
    """Epoch milliseconds as a UTC date-time, with the raw number (what the journal and the ledger hold)."""
    if millis is None:
        return "—"
    at = when_utc(millis)
    return f"{at.strftime(fmt)} ({millis})" if at else str(millis)


def detail_lines(m: MigrationStatus, problems: Sequence[Problem], would_run_next: Sequence[str],
                 findings: Sequence[Finding]) -> list[tuple[str, str]]:
    """(section, text) rows in reading order; the section is "" for a row that continues the one above."""
    rows: list[tuple[str, str]] = [("tag", m.tag or "(a ledger row without a local migration)"),
                                   ("idx", "—" if m.idx is None else str(m.idx))]
    rows += [("state" if i == 0 else "", line) for i, line in enumerate(state_explanation(m, problems,
                                                                                        would_run_next))]
    rows += [("when", utc_time(m.when)), ("file", m.file or "—"), ("statements", str(m.statements))]
    if m.ledger_id is None:
        rows.append(("ledger", "no row"))
    else:
        named = f" · name {m.ledger_name}" if m.ledger_name else ""
        rows.append(("ledger", f"row id {m.ledger_id} · hash {(m.ledger_hash or '')[:12]} · created_at "
                               f"{utc_time(m.ledger_created_at, '%Y-%m-%d')}{named}"))
    own = [f for f in findings if m.tag is not None and f.tag == m.tag]
    rows.append(("findings", f"{len(own)}" if own else "none"))
    rows += [("", f"{finding_label(f)} line {f.line}: {f.message}" + (" (suppressed)" if f.suppressed else ""))
             for f in own]
    return rows


class MigrationScreen(ModalScreen[None]):
    """The detail of one migration; Esc or q closes it, the arrows and PgUp/PgDn scroll it."""

    DEFAULT_CSS = """
    MigrationScreen { align: center middle; }
    MigrationScreen > VerticalScroll { width: 95%; max-width: 120; height: auto; max-height: 90%;
                                       border: round $primary; background: $panel; padding: 0 1; }
    MigrationScreen .row { layout: horizontal; height: auto; }
    MigrationScreen .name { width: 11; color: $text-muted; }
    MigrationScreen .text { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="migration.close"),
    ]

    def __init__(self, m: MigrationStatus, problems: Sequence[Problem], would_run_next: Sequence[str],
                 findings: Sequence[Finding]) -> None:
        super().__init__()
        self.migration = m
        self.rows = detail_lines(m, problems, would_run_next, findings)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Migration"
            scroll.border_subtitle = "Esc / q closes"
            for name, text in self.rows:
                # The text in a column of its own: a long tag or message wraps under itself, not under the name.
                with Horizontal(classes="row"):
                    yield Static(name, classes="name", markup=False)
                    yield Static(redact(text), classes="text", markup=False)

    @property
    def text(self) -> str:
        """What the screen says, row by row (for the log and for tests)."""
        return "\n".join(f"{name:<11}{text}".rstrip() for name, text in self.rows)

    def action_close(self) -> None:
        self.dismiss(None)
