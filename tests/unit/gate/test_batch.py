"""The pending batch's offline facts and texts: sizes and lock names as people read them, what the batch creates,
rollback availability, rewrites from findings, and the table layout at any width."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from neontui.core.display.batch import counts_text, lock_text, size_text, table_cells, table_lines
from neontui.core.drizzle.journal import Migration
from neontui.core.gate.batch import (
    BatchTable,
    _created,
    _migration,
    _rewritten,
)
from neontui.core.safety.model import DangerClass, Severity
from tests.factories import finding

B = "--> statement-breakpoint\n"


def migration(tag: str, sql: str, position: int = 0) -> Migration:
    return Migration(position, position, tag, 1000 * (position + 1), True, "7", Path(f"/x/{tag}.sql"), sql.encode())


@pytest.mark.parametrize(("size", "text"), [
    (None, "—"), (0, "0 bytes"), (1023, "1023 bytes"), (8192, "8.0 kB"), (1_363_148, "1.3 MB"),
    (50 * 1024 ** 3, "50 GB"), (3 * 1024 ** 6, "3072 PB")])
def test_sizes_read_as_pg_size_pretty_counts(size, text):
    assert size_text(size) == text


def test_lock_modes_read_as_the_documentation_names_them():
    assert [lock_text(m) for m in ("AccessExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", None)] == [
        "ACCESS EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "—"]


def test_counts_read_in_words():
    assert counts_text({"error": 1, "warning": 2, "info": 3}) == "1 error, 2 warnings, 3 info"
    assert counts_text({}) == "none"


def test_rollback_is_full_partial_or_none_with_the_reasons():
    full = _migration(migration("0001_add", 'ALTER TABLE "t" ADD COLUMN "c" integer;'), [], 150000)
    partial = _migration(migration("0002_mixed", f'CREATE TABLE "n" ("id" integer);{B}ALTER TABLE "t" DROP COLUMN '
                                                 '"c";'), [], 150000)
    none = _migration(migration("0003_drop", 'ALTER TABLE "t" DROP COLUMN "c";'), [], 150000)
    assert (full.rollback, full.irreversible) == ("full", ())
    assert partial.rollback == "partial" and "destroys data" in partial.irreversible[0]
    assert none.rollback == "none" and len(none.irreversible) == 1


def test_statements_outside_a_transaction_and_their_locks():
    m = _migration(migration("0001_idx", f'CREATE INDEX CONCURRENTLY "i" ON "t" ("c");{B}\n{B}'
                                         'CREATE INDEX "j" ON "s"."u" ("c");'), [], 150000)
    assert [(s.index, s.transactional) for s in m.statements] == [(0, False), (2, True)]  # the blank chunk is skipped
    assert m.statements[1].locks == (("s", "u", "ShareLock"),) and m.outside_transaction == 1


def test_live_findings_count_by_severity_and_suppressed_ones_do_not():
    found = [finding("drop-column", tag="0001_x"), finding("prefer-bigint", severity=Severity.INFO, tag="0001_x"),
             finding("drop-table", tag="0001_x", suppressed=True), finding("drop-column", tag="other")]
    m = _migration(migration("0001_x", 'ALTER TABLE "t" DROP COLUMN "c";'), found, 150000)
    assert dict(m.findings) == {"warning": 1, "info": 1} and m.rules == ("drop-column", "prefer-bigint")


def test_what_the_batch_creates():
    ms = [migration("0001", f'CREATE TABLE "a" ("id" integer);{B}CREATE TABLE "s"."b" AS SELECT 1;{B}'
                            'CREATE INDEX "i" ON "c" ("x");{B}not sql at all')]
    assert _created(ms) == {("public", "a"), ("s", "b")}


def test_a_rewrite_finding_marks_the_table_it_names_even_when_suppressed():
    m = migration("0001", 'ALTER TABLE "orders" ALTER COLUMN "id" SET DATA TYPE bigint, ADD CONSTRAINT "f" '
                          'FOREIGN KEY ("u") REFERENCES "users"("id");')
    rewrite = finding("change-column-type", DangerClass.TABLE_REWRITE, tag="0001", suppressed=True)
    rewrite = replace(rewrite, message='changing "id" on "orders" rewrites the table')
    other = finding("drop-column", DangerClass.DATA_LOSS, tag="0001")
    assert _rewritten([m], [rewrite, other]) == {("public", "orders")}
    vacuum = finding("vacuum-full-or-cluster", DangerClass.BLOCKING_LOCK, tag="0002")
    assert _rewritten([migration("0002", 'VACUUM FULL "big";')], [vacuum]) == {("public", "big")}


TABLES = [BatchTable("public", "orders", True, 1_363_148, 5000, "AccessExclusiveLock", True, False),
          BatchTable("public", "audit", False, None, None, None, False, True),
          BatchTable("billing", "invoices_with_a_rather_long_name", True, 8192, None, "ShareUpdateExclusiveLock",
                     False, False)]


@pytest.mark.parametrize("width", [None, 160, 118, 76, 60, 40])
def test_the_table_layout_cuts_nothing_at_any_width(width):
    lines = [line for line, _ in table_lines(TABLES, width)]
    words = " ".join(lines).split()
    assert width is None or all(len(line) <= width for line in lines), "\n".join(lines)
    for table in TABLES:  # every word of every cell is there whole (a wrapped cell continues on the next lines)
        assert all(word in words for cell in table_cells(table) for word in cell.split()), "\n".join(lines)
    assert table_cells(TABLES[1])[1:] == ("—", "—", "—", "—", "no", "yes")
    assert table_cells(TABLES[2])[2] == "unknown"
