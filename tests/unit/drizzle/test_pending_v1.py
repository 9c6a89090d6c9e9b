"""drizzle 1.0's pending rule (name membership) and its in-place upgrade of a 0.x ledger, as pure logic
(checked against the real rc.5 migrator in tests/compat/test_status_v1.py)."""

from __future__ import annotations

from neontui.core.drizzle.journal import drizzle_hash
from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.ledger import Ledger, LedgerRow
from neontui.core.drizzle.pending import name_pending, pending_entries, predict_v1_upgrade
from neontui.core.drizzle.status import State, compute_status
from tests.factories import make_folders

A, B, C = "20250101000000_a", "20250101000001_b", "20250101000002_c"
SQL = {A: b"CREATE TABLE a ();", B: b"CREATE TABLE b ();", C: b"CREATE TABLE c ();"}
H = {name: drizzle_hash(data) for name, data in SQL.items()}
V1 = ("id", "hash", "created_at", "name", "applied_at")


def ledger(*rows: LedgerRow, columns=V1) -> Ledger:
    return Ledger("drizzle", "__drizzle_migrations", True, columns, rows, None)


def test_membership_runs_older_folders_and_rows_without_name(tmp_path):
    journal = read_migrations(make_folders(tmp_path, SQL))
    # C applied, A recorded without a name: A and B run, in name order, though both are older than C.
    rows = (LedgerRow(1, H[C], 1735689602000, C), LedgerRow(2, H[A], 1735689600000, None))
    assert [e.tag for e in name_pending(journal.entries, rows)] == [A, B]
    status = compute_status(journal, ledger(*rows))
    assert {m.tag: m.state for m in status.migrations} == {A: State.PENDING, B: State.PENDING, C: State.APPLIED}
    assert [p.code for p in status.problems] == ["rerun"]
    assert any("out of order" in n for n in status.migrations[1].notes)


def test_upgrade_matches_by_second_then_hash_then_hash_alone(tmp_path):
    journal = read_migrations(make_folders(tmp_path, SQL))
    rows = [LedgerRow(1, "other", 1735689600123),  # the only folder of that second: matched whatever its hash
            LedgerRow(2, H[C], 42),  # no folder of that second: by hash
            LedgerRow(3, "nothing", 1700000000000)]  # neither: the upgrade throws
    upgrade = predict_v1_upgrade(journal.entries, rows)
    assert upgrade.names == {1: A, 2: C}
    assert upgrade.unmatched == [3]
    assert pending_entries(journal, ledger(*rows, columns=("id", "hash", "created_at"))) == []


def test_upgrade_with_every_row_matched_leaves_only_new_folders_pending(tmp_path):
    journal = read_migrations(make_folders(tmp_path, SQL))
    v0 = ledger(LedgerRow(1, H[A], 1735689600999), LedgerRow(2, H[B], 1735689601000),
                columns=("id", "hash", "created_at"))
    assert [e.tag for e in pending_entries(journal, v0)] == [C]
    status = compute_status(journal, v0)
    assert status.upgrade is not None and status.upgrade.names == {1: A, 2: B}
    assert [m.state for m in status.migrations] == [State.APPLIED, State.APPLIED, State.PENDING]
    assert status.problems == []
