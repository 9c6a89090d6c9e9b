"""What both fronts show, written once: plain strings (no textual, no rich), rendered by the CLI and the console.

State symbols and colours, a finding's label and notes, progress-event lines, the endpoint description and the
summary shown before a production run is confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neontui.core.drizzle.journal import Migration
    from neontui.core.drizzle.status import MigrationStatus, Problem
    from neontui.core.migrate.dryrun import DryRunReport
    from neontui.core.migrate.observe import ObservedStatement
    from neontui.core.safety.model import Finding

# A migration state's symbol (readable without colour) and colour name (the console's markup; the CLI maps it to
# an ANSI code).
STATE_SYMBOLS: dict[str, tuple[str, str]] = {
    "applied": ("✓", "green"), "pending": ("→", "yellow"), "edited": ("✎", "red"), "skipped": ("⤼", "red"),
    "missing-file": ("✗", "red"), "ledger-only": ("?", "magenta"), "unlisted-file": ("+", "magenta"),
}

RESTORE_POINT_NOTE = "A restore point (server time and WAL LSN) is recorded right before the run."


def finding_label(finding: Finding) -> str:
    """`error[rule-id]`: how a finding is named on one line."""
    return f"{finding.severity}[{finding.rule}]"


def finding_notes(finding: Finding) -> list[tuple[str, str]]:
    """(name, text) in reading order: the lock it takes (and what that blocks), the table's rows when the schema
    knew them, why it matters, what to do."""
    notes = [("lock", finding.lock + (f"; blocks {finding.blocks}" if finding.blocks else ""))] if finding.lock else []
    if finding.rows:
        notes.append(("rows", finding.rows))
    return [*notes, ("why", finding.explanation), ("help", finding.help)]


def drizzle_line(layout: str, versions: dict[str, Any] | None) -> str:
    """The migrations' layout and the installed kit, e.g. "drizzle 1.0 folders · drizzle-kit 1.0.0-rc.5", with the
    mismatch between the two when there is one (`versions`: kit.versions.KitVersions.to_json())."""
    text = "drizzle 1.0 folders (one per migration)" if layout == "folders" else "drizzle 0.x journal"
    if versions is None:
        return f"{text} · drizzle-kit not installed"
    text += f" · drizzle-kit {versions.get('drizzle_kit')}"
    return text + (f" · {versions['mismatch']}" if versions.get("mismatch") else "")


def ledger_kind(exists: bool, is_v1: bool, rows: int) -> str:
    """"3 rows, drizzle 1.0 table" or "not created yet (fresh database)"."""
    if not exists:
        return "not created yet (fresh database)"
    return f"{rows} rows, drizzle {'1.0' if is_v1 else '0.x'} table"


def endpoint_kind(is_neon: bool, is_pooled: bool, *, for_migrations: bool = False) -> str:
    """"Neon pooled", "Neon direct" or "PostgreSQL"; `for_migrations` adds that runs switch to the direct one."""
    if not is_neon:
        return "PostgreSQL"
    if is_pooled:
        return "Neon pooled → direct for migrations" if for_migrations else "Neon pooled"
    return "Neon direct"


def event_line(event: object) -> str | None:
    """The log line of a drizzle-kit or migrator event, or None when the event is not a line of its own."""
    # Imported here: the migrator pulls in the database driver, which the console's first frame must not wait for.
    from neontui.core.kit.session import Exited
    from neontui.core.migrate.migrator import MigrationApplied, StatementFinished

    if isinstance(event, Exited):
        suffix = " (cancelled)" if event.cancelled else ""
        return f"drizzle-kit exited {event.returncode} in {event.elapsed:.2f} s{suffix}"
    if isinstance(event, StatementFinished):
        text = f"  {event.tag} #{event.statement}  {event.elapsed:.3f}s"
        if event.rows is not None:
            text += f"  {event.rows} row" + ("" if event.rows == 1 else "s")
        return text
    if isinstance(event, MigrationApplied):
        return f"✓ {event.tag} applied ({event.elapsed:.3f}s)"
    return None


def confirmation_summary(migrations: Sequence[Migration], findings: Sequence[Finding]) -> list[str]:
    """Before a production run is confirmed: each migration with its live findings, then the restore point."""
    lines = []
    for migration in migrations:
        live = [f for f in findings if f.tag == migration.tag and not f.suppressed]
        rules = f" ({', '.join(sorted({f.rule for f in live}))})" if live else ""
        lines.append(f"{migration.tag}: {len(live)} finding(s){rules}")
    return [*lines, RESTORE_POINT_NOTE]


def observed_line(s: ObservedStatement) -> str:
    """One statement of a rehearsal: where, how long, what it locked (and for how long), rewrote and touched."""
    where = f"{s.tag} #{s.statement}"
    if s.elapsed is None:
        return f"{where}  not run"
    if s.failed:
        return f"{where}  {s.elapsed:.3f}s  FAILED  {s.summary}"
    held = [f"{lock.mode} on {lock.relation}" + (f" held {lock.held:.3f}s" if lock.held is not None else "")
            for lock in s.locks]
    locks = ", ".join(held) or ("no lock seen (sampled)" if s.sampled else "no new locks")
    rewritten = f"; REWRITES {', '.join(s.rewritten)}" if s.rewritten else ""
    rows = f"; {s.rows} row(s)" if s.rows is not None else ""
    outside = "; outside a transaction" if not s.transactional else ""
    return f"{where}  {s.elapsed:.3f}s  {locks}{rewritten}{rows}{outside}  {s.summary}"


def evidence_line(evidence: Mapping[str, Any]) -> str:
    """What proved a checklist item, on one line: `rehearsed … at …: ok`, or the backup and how to restore it."""
    if "where" in evidence:  # a rehearsal (core.migrate.rehearse.Rehearsal.evidence)
        return f"rehearsed on {evidence.get('where')} at {evidence.get('at')}: {evidence.get('result')}"
    if "restore" in evidence:  # a backup (core.actions.backup)
        return f"backup {evidence.get('name')} at {evidence.get('at')}; restore: {evidence.get('restore')}"
    return ", ".join(f"{key} {value}" for key, value in evidence.items())



def shorten_middle(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut in the middle ("0123_resou…credentials"): a migration's number
    is at its start and what tells two of them apart is often at its end."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = width // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


# What each state means, in words (core/drizzle/status.py decides the state; this only says what it means).
STATE_MEANINGS: dict[str, str] = {
    "applied": "the ledger records it with the same hash",
    "pending": "not in the ledger yet: drizzle would run it next",
    "edited": "applied, but the file changed since: its hash differs from the ledger's, and drizzle will not run it "
              "again",
    "skipped": "not in the ledger, yet older than the ledger's newest row: drizzle 0.x will never run it",
    "missing-file": "listed, but its migration file does not exist: drizzle-kit migrate fails before applying "
                    "anything",
    "ledger-only": "a ledger row that matches no local migration",
    "unlisted-file": "a .sql file that nothing lists: drizzle never runs it",
}


def state_explanation(m: MigrationStatus, problems: Sequence[Problem], would_run_next: Sequence[str]) -> list[str]:
    """Why a migration is in its state, in words: the state's meaning, its place in the batch, the two hashes of
    an edited one with the ledger row, then the notes and problems that compute_status gave it (not re-derived)."""
    state = str(m.state)
    lines = [f"{STATE_SYMBOLS[state][0]} {state}: {STATE_MEANINGS[state]}"]
    if m.tag is not None and m.tag in would_run_next:
        lines.append(f"runs {would_run_next.index(m.tag) + 1} of {len(would_run_next)} in the pending batch")
    if state == "edited":
        lines.append(f"file sha256 {(m.hash or '')[:12]} ≠ ledger hash {(m.ledger_hash or '')[:12]} "
                     f"(ledger row id {m.ledger_id})")
    lines.extend(f"· {note}" for note in m.notes)
    row = f"ledger row id {m.ledger_id} "  # a ledger-only problem names its row, not a tag
    own = [p for p in problems if (p.tag is not None and p.tag == m.tag) or
           (p.code == "ledger-only" and m.ledger_id is not None and p.message.startswith(row))]
    lines.extend(f"✗ {p.code}: {p.message}" for p in own)
    return lines


def dry_run_lines(dry: DryRunReport) -> list[str]:
    """A dry run's report after it ran: per statement its duration, the locks it took, the tables it rewrote and
    the rows it touched (or why it did not run). `neontui migrate --dry-run` prints these (then the first error),
    and the console writes them to its log (then its ✗ line)."""
    lines = [f"dry run (rolled back; it took real locks with lock_timeout {dry.lock_timeout}):"]
    for s in dry.statements:
        where = f"  {s.tag} #{s.statement}"
        if s.skipped:
            lines.append(f"{where}  skipped: {s.skipped}")
        elif s.elapsed is None:
            continue
        elif dry.error is not None and s is dry.statements[-1]:
            lines.append(f"{where}  {s.elapsed:.3f}s  FAILED")
        else:
            locks = ", ".join(f"{mode} on {rel}" for rel, mode in s.locks) or "no new locks"
            rewritten = f"; REWRITES {', '.join(s.rewritten)}" if s.rewritten else ""
            rows = f"; {s.rows} row(s)" if s.rows is not None else ""
            lines.append(f"{where}  {s.elapsed:.3f}s  {locks}{rewritten}{rows}")
    return lines
