"""How both fronts write the pending batch (core.gate.batch holds the facts): its header, the touched tables laid
out for any width, and each migration with its statements, in words."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from neontui.core.display import evidence_line

if TYPE_CHECKING:  # the facts' types only: a front that imports these texts loads no SQL parser
    from neontui.core.gate.batch import Batch, BatchMigration, BatchStatement, BatchTable

TABLE_COLUMNS = ("table", "size", "rows (est.)", "strongest lock", "blocks", "rewrite", "new")
_UNITS = ("kB", "MB", "GB", "TB", "PB")


def size_text(size: int | None) -> str:
    """Bytes as pg_size_pretty counts them (1 kB = 1024 bytes): "8192 bytes" → "8.0 kB"; None → "—"."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")  # the loop returns at the last unit


def lock_text(mode: str | None) -> str:
    """pg_locks' name as the documentation writes it: "ShareUpdateExclusiveLock" → "SHARE UPDATE EXCLUSIVE"."""
    if mode is None:
        return "—"
    words = re.findall(r"[A-Z][a-z]*", mode.removesuffix("Lock"))
    return " ".join(words).upper() or mode


def table_cells(table: BatchTable) -> tuple[str, ...]:
    """One row of the touched tables, in TABLE_COLUMNS' order."""
    rows = "—" if not table.exists else "unknown" if table.rows is None else f"{table.rows:,}"
    return (table.name, size_text(table.size_bytes), rows, lock_text(table.lock), table.blocks or "—",
            "yes" if table.rewrite else "no", "yes" if table.new else "no")


def counts_text(counts: Mapping[str, int]) -> str:
    """"1 error, 2 warnings" or "none"."""
    return ", ".join(f"{n} {severity}" if severity == "info" else _plural(n, severity)
                     for severity, n in counts.items() if n) or "none"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _statements(count: int, outside: int) -> str:
    return _plural(count, "statement") + (f" ({outside} outside a transaction)" if outside else "")


def headline(batch: Batch) -> str:
    """"2 migrations · 5 statements (1 outside a transaction) · findings: 1 error, 2 warnings"."""
    statements = _statements(batch.statement_count, sum(m.outside_transaction for m in batch.migrations))
    suppressed = f" ({batch.suppressed} suppressed)" if batch.suppressed else ""
    return (f"{_plural(len(batch.migrations), 'migration')} · {statements} · "
            f"findings: {counts_text(batch.findings)}{suppressed}")


def migration_line(migration: BatchMigration) -> str:
    """"0001_x: 3 statements (1 outside a transaction) · 1 warning (drop-column) · rollback: partial"."""
    if not migration.exists:
        return f"{migration.tag}: the file is missing · rollback: none"
    statements = _statements(len(migration.statements), migration.outside_transaction)
    rules = f" ({', '.join(migration.rules)})" if migration.rules else ""
    return f"{migration.tag}: {statements} · findings: {counts_text(migration.findings)}{rules} · " \
           f"rollback: {migration.rollback}"


_GAP = "  "
_BLOCKS = TABLE_COLUMNS.index("blocks")
_MIN_BLOCKS = 12  # narrower than this, "blocks" goes on a line of its own under the row


def table_lines(tables: Sequence[BatchTable], width: int | None = None) -> list[tuple[str, BatchTable | None]]:
    """The touched tables as aligned text lines in at most `width` columns (None: no limit), each with its table
    (None for the header): "blocks" wraps inside its column, or, when even 12 columns are not left for it, goes on
    an indented line of its own; narrower still, each table is its name and then its facts, wrapped. Nothing is
    cut."""
    rows = [TABLE_COLUMNS, *(table_cells(t) for t in tables)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    others = sum(widths) - widths[_BLOCKS] + len(_GAP) * (len(widths) - 1)
    room = widths[_BLOCKS] if width is None else min(widths[_BLOCKS], width - others)
    if room >= min(_MIN_BLOCKS, widths[_BLOCKS]):
        return _inline(rows, widths, room, tables)
    if width is None or others - len(_GAP) <= width:  # the row without "blocks" fits
        return _blocks_below(rows, widths, width, tables)
    return [(line, t) for t, row in zip(tables, rows[1:], strict=True) for line in _stacked(row, width)]


def _with_tables(rows: list[tuple[str, ...]], tables: Sequence[BatchTable]) -> list[tuple[tuple[str, ...],
                                                                                          BatchTable | None]]:
    return list(zip(rows, [None, *tables], strict=True))


def _inline(rows: list[tuple[str, ...]], widths: list[int], room: int,
            tables: Sequence[BatchTable]) -> list[tuple[str, BatchTable | None]]:
    lines: list[tuple[str, BatchTable | None]] = []
    pad = " " * (sum(widths[:_BLOCKS]) + len(_GAP) * _BLOCKS)
    for row, table in _with_tables(rows, tables):
        wrapped = textwrap.wrap(row[_BLOCKS], room) or [""]
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=True)]
        cells[_BLOCKS] = wrapped[0].ljust(room)
        lines.append((_GAP.join(cells).rstrip(), table))
        lines += [(pad + more, table) for more in wrapped[1:]]
    return lines


def _blocks_below(rows: list[tuple[str, ...]], widths: list[int], width: int | None,
                  tables: Sequence[BatchTable]) -> list[tuple[str, BatchTable | None]]:
    lines: list[tuple[str, BatchTable | None]] = []
    for row, table in _with_tables(rows, tables):
        cells = [cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True)) if i != _BLOCKS]
        lines.append((_GAP.join(cells).rstrip(), table))
        if table is not None and table.blocks:
            lines += [(line, table) for line in textwrap.wrap(f"blocks: {row[_BLOCKS]}", max(20, width or 80),
                                                              initial_indent="    ", subsequent_indent="    ")]
    return lines


def _stacked(row: tuple[str, ...], width: int) -> list[str]:
    """One table on a very narrow screen: its name, then its facts a line each, wrapped at spaces."""
    name, size, rows, lock, blocked, rewrite, new = row
    facts = (f"size {size} · rows (est.) {rows}", f"strongest lock {lock}", f"blocks {blocked}",
             f"rewrite {rewrite} · new {new}")
    return [*textwrap.wrap(name, width, break_on_hyphens=False),
            *(line for fact in facts for line in textwrap.wrap(fact, max(width, 12), initial_indent="    ",
                                                               subsequent_indent="      "))]


def batch_header(batch: Batch) -> list[str]:
    """The pending batch's first lines: where and which environment, what runs, the last rehearsal of this batch."""
    rehearsal = batch.rehearsal
    last = ("none of this batch" if rehearsal is None else
            f"{'passed' if rehearsal.get('ok') else 'FAILED'}: {evidence_line(rehearsal)}")
    return [f"{batch.database} on {batch.target} · PostgreSQL {batch.server_version} · {batch.environment}",
            headline(batch), f"last rehearsal: {last}"]


CANNOT_UNDO = "    cannot undo: "


def batch_migration_lines(batch: Batch) -> list[str]:
    """Each migration in run order: statements, live findings, rollback, why any step cannot be undone, and then
    each statement with the locks it takes."""
    return [line for m in batch.migrations
            for line in (migration_line(m), *(f"{CANNOT_UNDO}{why}" for why in m.irreversible),
                         *(statement_line(s) for s in m.statements))]


def statement_line(statement: BatchStatement) -> str:
    """"    #1 line 4 · ACCESS EXCLUSIVE on users · ALTER TABLE "users" ADD COLUMN …"."""
    locks = ", ".join(f"{lock_text(mode)} on {table if schema == 'public' else f'{schema}.{table}'}"
                      for schema, table, mode in statement.locks) or "no table lock"
    outside = " · outside a transaction" if not statement.transactional else ""
    return f"    #{statement.index} line {statement.line} · {locks}{outside} · {statement.summary}"
