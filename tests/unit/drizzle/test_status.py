"""The pending rule and the reconciliation of journal and ledger (pure logic; real-database cases live in
test_compat_status.py)."""

from __future__ import annotations

import pytest

from neontui.core.drizzle.journal import drizzle_hash, read_journal
from neontui.core.drizzle.pending import high_water_pending
from neontui.core.drizzle.status import State, compute_status
from neontui.core.errors import ExitCode
from tests.factories import entry, ledger, make_folder

SQL = {"0000_a": b"CREATE TABLE a (id int);", "0001_b": b"CREATE TABLE b (id int);",
       "0002_c": b"CREATE TABLE c (id int);"}
H = {tag: drizzle_hash(data) for tag, data in SQL.items()}


@pytest.fixture
def journal(tmp_path):
    return read_journal(make_folder(tmp_path, [entry(0, "0000_a", 1000), entry(1, "0001_b", 2000),
                                               entry(2, "0002_c", 3000)], SQL))


def states(status) -> list[tuple[str | None, str]]:
    return [(m.tag, str(m.state)) for m in status.migrations]


@pytest.mark.parametrize(("rows", "expected"), [
    ((), ["0000_a", "0001_b", "0002_c"]),  # empty table
    ((("x", 1000),), ["0001_b", "0002_c"]),  # strict: when == created_at is not pending
    ((("x", 999),), ["0000_a", "0001_b", "0002_c"]),
    ((("x", 3000),), []),
    ((("x", 2500), ("y", 1500)), ["0002_c"]),  # only the newest row counts
    ((("x", 3000), ("y", None)), ["0000_a", "0001_b", "0002_c"]),  # NULL sorts first under DESC, Number(null) = 0
])
def test_pending_rule_matches_drizzle(journal, rows, expected):
    assert [e.tag for e in high_water_pending(journal.entries, ledger(*rows).latest)] == expected


def test_fresh_database_everything_pending(journal):
    status = compute_status(journal, ledger(exists=False))
    assert states(status) == [("0000_a", "pending"), ("0001_b", "pending"), ("0002_c", "pending")]
    assert status.exit_code is ExitCode.PENDING
    assert status.problems == []


def test_all_applied_is_clean(journal):
    status = compute_status(journal, ledger((H["0000_a"], 1000), (H["0001_b"], 2000), (H["0002_c"], 3000)))
    assert {s for _, s in states(status)} == {"applied"}
    assert status.exit_code is ExitCode.OK and status.would_run_next == []


def test_edited_skipped_and_ledger_only(journal):
    status = compute_status(journal, ledger((H["0000_a"], 1000), ("0" * 64, 2500), ("f" * 64, 3000)))
    assert states(status) == [("0000_a", "applied"), ("0001_b", "skipped"), ("0002_c", "edited"),
                              (None, "ledger-only")]
    assert status.migrations[3].ledger_id == 2
    assert {p.code for p in status.problems} == {"skipped", "edited", "ledger-only"}
    assert status.exit_code is ExitCode.PROBLEMS
    assert status.would_run_next == []


def test_applied_under_another_created_at_matches_by_hash(journal):
    status = compute_status(journal, ledger((H["0000_a"], 1000), (H["0001_b"], 2222), (H["0002_c"], 3000)))
    assert states(status)[1] == ("0001_b", "applied")
    assert "created_at 2222" in status.migrations[1].notes[0]
    assert status.exit_code is ExitCode.OK


def test_null_created_at_reruns_everything_and_is_a_problem(journal):
    status = compute_status(journal, ledger((H["0000_a"], 1000), ("manual", None)))
    assert status.would_run_next == ["0000_a", "0001_b", "0002_c"]
    assert status.migrations[0].notes == ["already recorded in the ledger (id 1); drizzle will run it again"]
    assert {p.code for p in status.problems} == {"rerun", "null-created-at", "ledger-only"}


def test_duplicate_rows_from_concurrent_runs(journal):
    status = compute_status(journal, ledger((H["0000_a"], 1000), (H["0000_a"], 1000)))
    assert "duplicate-row" in {p.code for p in status.problems}
    assert [m.state for m in status.migrations][:1] == [State.APPLIED]


def test_missing_file_and_unlisted_file(tmp_path):
    out = make_folder(tmp_path, [entry(0, "0000_a", 1000), entry(1, "0001_gone", 2000)],
                      {"0000_a": SQL["0000_a"], "0005_stray": b"SELECT 1;"})
    status = compute_status(read_journal(out), ledger((H["0000_a"], 1000)))
    assert states(status) == [("0000_a", "applied"), ("0001_gone", "missing-file"), ("0005_stray", "unlisted-file")]
    assert status.would_run_next == ["0001_gone"]  # drizzle's set, though its run fails on the missing file
    assert status.exit_code is ExitCode.PROBLEMS


def test_out_of_order_entry_is_pending_on_fresh_db_and_skipped_after(tmp_path):
    out = make_folder(tmp_path, [entry(0, "0000_a", 1000), entry(1, "0001_b", 3000), entry(2, "0002_c", 2000)], SQL)
    journal = read_journal(out)
    assert compute_status(journal, ledger(exists=False)).would_run_next == ["0000_a", "0001_b", "0002_c"]
    status = compute_status(journal, ledger((H["0000_a"], 1000), (H["0001_b"], 3000)))
    assert states(status)[2] == ("0002_c", "skipped")
    assert {p.code for p in status.problems} == {"skipped", "when-order"}
