"""The safety checklist: seed items, items derived from findings, toggling, reset rules and persistence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from neontui.core.gate.checklist import (
    BACKUP_ID,
    TESTED_ID,
    Checklist,
    ChecklistError,
    ChecklistState,
    ChecklistStore,
    CheckRecord,
    default_checklist_dir,
    derived_items,
    pending_key,
)
from neontui.core.safety.model import DangerClass, Severity
from tests.factories import finding

SEED_IDS = ["reviewed", "no-destructive-without-backup", "backwards-compatible", "tested-in-development",
            "backup-taken"]
SEED_LABELS = ["Migration SQL reviewed for correctness", "No destructive change without a backup",
               "Backwards compatible, or a rollback strategy exists", "Tested in development",
               "Database backed up (restore point or branch)"]
KEY = pending_key([("0000_init", "a" * 64), ("0001_users", "b" * 64)])


DROP_COLUMN = finding("drop-column", DangerClass.DATA_LOSS, line=3)
DROP_TABLE = finding("drop-table", DangerClass.DATA_LOSS, statement=1, line=5)
INDEX = finding("create-index-non-concurrent", DangerClass.BLOCKING_LOCK, statement=2, line=7)
REWRITE = finding("change-column-type", DangerClass.TABLE_REWRITE, statement=3, line=9)
RENAME = finding("rename-column", DangerClass.BACKWARD_INCOMPATIBLE, statement=4, line=11)
TX_CONTROL = finding("transaction-control-in-migration", statement=5, line=13)
CONCURRENT_WARNING = finding("cannot-run-in-transaction", DangerClass.OTHER, statement=6, line=15)
LONG_NAME = finding("identifier-too-long", statement=7, line=17)
SYNTAX = finding("syntax-error", severity=Severity.ERROR, statement=8, line=19)
CONCURRENT_ERROR = finding("cannot-run-in-transaction", severity=Severity.ERROR, statement=9, line=21)
SYNTAX_2 = finding("syntax-error", severity=Severity.ERROR, tag="0002_more", line=2)
ADVICE = finding("json-column", severity=Severity.INFO)
SUPPRESSED = finding("drop-column", DangerClass.DATA_LOSS, suppressed=True, statement=10)
SUPPRESSED_ERROR = finding("syntax-error", severity=Severity.ERROR, suppressed=True, statement=11)


def ids(checklist: Checklist) -> list[str]:
    return [item.id for item in checklist.items]


# --- items ----------------------------------------------------------------------------------------------


def test_seed_items_in_order_without_findings() -> None:
    checklist = Checklist(KEY)
    assert ids(checklist) == SEED_IDS
    assert [i.label for i in checklist.items] == SEED_LABELS
    assert all(not i.checked and not i.derived and i.can_check and i.detail for i in checklist.items)
    assert checklist.progress == (0, 5)
    assert not checklist.complete and not checklist.has_errors


def test_derived_items_from_every_kind_of_warning() -> None:
    findings = [RENAME, DROP_COLUMN, INDEX, TX_CONTROL, REWRITE, LONG_NAME, DROP_TABLE, CONCURRENT_WARNING]
    derived = {i.id: i for i in derived_items(findings)}
    assert list(derived) == ["ack-data-loss", "ack-blocking-lock", "ack-backward-incompatible",
                             "ack-no-transaction", "ack-other"]
    assert derived["ack-data-loss"].label == "Data-loss findings acknowledged (2)"
    assert derived["ack-data-loss"].detail == "drop-column at 0001_users:3, drop-table at 0001_users:5"
    assert derived["ack-data-loss"].findings == (DROP_COLUMN.key, DROP_TABLE.key)
    assert derived["ack-blocking-lock"].label == "Blocking-lock and table-rewrite findings acknowledged (2)"
    assert derived["ack-blocking-lock"].findings == (INDEX.key, REWRITE.key)
    assert derived["ack-backward-incompatible"].label == "Backward-incompatible findings acknowledged (1)"
    assert derived["ack-no-transaction"].label == "Statements that cannot run in a transaction acknowledged (2)"
    assert derived["ack-no-transaction"].findings == (TX_CONTROL.key, CONCURRENT_WARNING.key)
    assert derived["ack-other"].label == "Other findings acknowledged (1)"
    assert all(i.derived and i.can_check and not i.checked for i in derived.values())

    checklist = Checklist(KEY, findings)
    assert ids(checklist) == [*SEED_IDS, *derived]
    assert checklist.progress == (0, 10)


def test_errors_make_an_item_that_can_never_be_checked() -> None:
    checklist = Checklist(KEY, [DROP_COLUMN, SYNTAX, CONCURRENT_ERROR, SYNTAX_2])
    assert ids(checklist) == [*SEED_IDS, "fix-errors", "ack-data-loss"]
    errors = checklist.item("fix-errors")
    assert errors.label == "Fix 3 errors: syntax-error, cannot-run-in-transaction"
    assert errors.derived and not errors.can_check and not errors.checked
    assert "0002_more:2" in errors.detail
    assert checklist.has_errors
    with pytest.raises(ChecklistError, match="errors cannot be acknowledged"):
        checklist.check("fix-errors")
    with pytest.raises(ChecklistError):
        checklist.toggle("fix-errors")
    for item in checklist.items:
        if item.can_check:
            checklist.check(item.id)
    assert checklist.progress == (6, 7)
    assert not checklist.complete
    assert checklist.unchecked_labels == ("Fix 3 errors: syntax-error, cannot-run-in-transaction",)


def test_one_error_label_is_singular() -> None:
    assert derived_items([SYNTAX])[0].label == "Fix 1 error: syntax-error"


def test_cannot_run_in_transaction_as_an_error_is_not_acknowledgeable() -> None:
    assert [i.id for i in derived_items([CONCURRENT_ERROR])] == ["fix-errors"]


def test_suppressed_and_info_findings_derive_nothing() -> None:
    assert derived_items([ADVICE, SUPPRESSED, SUPPRESSED_ERROR]) == ()
    assert ids(Checklist(KEY, [ADVICE, SUPPRESSED, SUPPRESSED_ERROR])) == SEED_IDS


# --- state ----------------------------------------------------------------------------------------------


def test_toggle_check_uncheck_progress() -> None:
    checklist = Checklist(KEY, [DROP_COLUMN])
    assert checklist.toggle("reviewed") is True
    assert checklist.item("reviewed").checked
    assert checklist.progress == (1, 6)
    assert checklist.toggle("reviewed") is False
    assert checklist.progress == (0, 6)
    checklist.check("backup-taken")
    checklist.check("backup-taken")  # idempotent
    assert checklist.progress == (1, 6)
    checklist.uncheck("backup-taken")
    checklist.uncheck("backup-taken")  # idempotent
    assert checklist.progress == (0, 6)


def test_complete_and_unchecked_labels() -> None:
    checklist = Checklist(KEY, [DROP_COLUMN])
    for item_id in SEED_IDS[:3]:
        checklist.check(item_id)
    assert checklist.unchecked_labels == ("Tested in development", "Database backed up (restore point or branch)",
                                          "Data-loss findings acknowledged (1)")
    for item_id in ("tested-in-development", "backup-taken", "ack-data-loss"):
        checklist.check(item_id)
    assert checklist.complete and checklist.progress == (6, 6) and checklist.unchecked_labels == ()


def test_unknown_item_id() -> None:
    checklist = Checklist(KEY)
    for method in (checklist.check, checklist.uncheck, checklist.toggle, checklist.item):
        with pytest.raises(ChecklistError, match="unknown checklist item 'nope'"):
            method("nope")


def test_a_check_records_who_when_and_which_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    checklist = Checklist(KEY, [DROP_COLUMN, DROP_TABLE])
    before = datetime.now(UTC).replace(microsecond=0)
    checklist.check("ack-data-loss")
    checklist.check("reviewed", by="bob")
    record = checklist.checks["ack-data-loss"]
    assert record.by == "alice"
    assert record.findings == (DROP_COLUMN.key, DROP_TABLE.key)
    at = datetime.fromisoformat(record.at)
    assert at.utcoffset() is not None and at.utcoffset().total_seconds() == 0
    assert before <= at <= datetime.now(UTC)
    assert checklist.checks["reviewed"].by == "bob" and checklist.checks["reviewed"].findings == ()


def test_operator_falls_back_when_getuser_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise OSError("no user")

    monkeypatch.setattr("getpass.getuser", broken)
    checklist = Checklist(KEY)
    checklist.check("reviewed")
    assert checklist.checks["reviewed"].by == "unknown"


def test_pending_key() -> None:
    pairs = [("0000_init", "a" * 64), ("0001_users", "b" * 64)]
    assert pending_key(pairs) == KEY
    assert len(KEY) == 64 and int(KEY, 16) >= 0
    assert pending_key(reversed(pairs)) != KEY  # order matters
    assert pending_key([("0000_init", "a" * 64), ("0001_users", "c" * 64)]) != KEY  # an edited file
    assert pending_key([("0000_init", "a" * 64)]) != KEY
    assert pending_key([("a,b", "c")]) != pending_key([("a", "b,c")])  # no separator ambiguity

    class Migration:
        def __init__(self, tag: str, hash: str) -> None:
            self.tag, self.hash = tag, hash

    assert pending_key(Migration(t, h) for t, h in pairs) == KEY


def test_for_pending_keeps_state_for_the_same_key() -> None:
    findings = [DROP_COLUMN]
    first = Checklist.for_pending(KEY, findings, None)
    first.check("reviewed")
    first.check("ack-data-loss")
    again = Checklist.for_pending(KEY, findings, first.state)
    assert [i.id for i in again.items if i.checked] == ["reviewed", "ack-data-loss"]
    assert again.checks == first.checks


def test_for_pending_resets_seed_and_derived_items_when_the_key_changes() -> None:
    first = Checklist.for_pending(KEY, [DROP_COLUMN], None)
    for item in first.items:
        first.check(item.id)
    assert first.complete
    other_key = pending_key([("0000_init", "a" * 64), ("0001_users", "d" * 64)])
    fresh = Checklist.for_pending(other_key, [DROP_COLUMN], first.state)
    assert fresh.progress == (0, 6)
    assert fresh.pending_key == other_key


def test_an_acknowledgement_is_dropped_when_its_findings_change() -> None:
    first = Checklist.for_pending(KEY, [DROP_COLUMN, INDEX], None)
    first.check("reviewed")
    first.check("ack-data-loss")
    first.check("ack-blocking-lock")
    # Same SQL, but the review now also reports DROP_TABLE (e.g. a newer neontui).
    again = Checklist.for_pending(KEY, [DROP_COLUMN, DROP_TABLE, INDEX], first.state)
    assert [i.id for i in again.items if i.checked] == ["reviewed", "ack-blocking-lock"]


def test_checks_for_items_that_no_longer_exist_are_dropped() -> None:
    state = ChecklistState(KEY, {
        "ack-data-loss": CheckRecord("alice", "2024-01-01T00:00:00+00:00", (DROP_COLUMN.key,)),
        "fix-errors": CheckRecord("mallory", "2024-01-01T00:00:00+00:00", (SYNTAX.key,)),  # forged: not checkable
        "bogus": CheckRecord("alice", "2024-01-01T00:00:00+00:00"),
        "reviewed": CheckRecord("alice", "2024-01-01T00:00:00+00:00"),
    })
    checklist = Checklist.for_pending(KEY, [SYNTAX], state)
    assert list(checklist.checks) == ["reviewed"]
    assert not checklist.item("fix-errors").checked


# --- persistence ----------------------------------------------------------------------------------------


SERVER = "system-identifier:7300000000000000001/app"  # ServerIdentity.key: the server and the database


def test_store_round_trip(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path / "state")
    checklist = store.open(SERVER, KEY, [DROP_COLUMN])
    assert checklist.progress == (0, 6)
    checklist.check("reviewed", by="alice")
    checklist.check("ack-data-loss", by="bob")
    assert store.save(SERVER, checklist.state) is True

    loaded = store.load(SERVER, KEY)
    assert loaded == ChecklistState(KEY, checklist.checks)
    reopened = store.open(SERVER, KEY, [DROP_COLUMN])
    assert reopened.checks == checklist.checks
    assert reopened.checks["ack-data-loss"].findings == (DROP_COLUMN.key,)

    data = json.loads(store.file_for(SERVER, KEY).read_text())
    assert data["version"] == 2 and data["server"] == SERVER
    assert data["checks"]["reviewed"]["by"] == "alice"


def test_store_keys_by_server_database_and_pending_key(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    checklist = Checklist(KEY)
    checklist.check("reviewed")
    store.save(SERVER, checklist.state)
    assert store.load(SERVER, KEY).checks
    assert not store.load("system-identifier:7300000000000000002/app", KEY).checks  # another server
    assert not store.load("system-identifier:7300000000000000001/other", KEY).checks  # another database
    other = pending_key([("x", "y")])
    assert store.load(SERVER, other) == ChecklistState(other, {})
    assert store.file_for(SERVER, KEY) != store.file_for(SERVER, other)


def test_store_missing_file_is_empty(tmp_path: Path) -> None:
    assert ChecklistStore(tmp_path / "nothing").load(SERVER, KEY) == ChecklistState(KEY, {})


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe garbage",
        b"[]",
        b'{"version": 1, "server": "SERVER", "pending_key": "KEY", "checks": {}}',
        b'{"version": 2, "server": "SERVER", "pending_key": "other", "checks": {"reviewed": {"by": "a", "at": "t"}}}',
        b'{"version": 2, "server": "elsewhere", "pending_key": "KEY", "checks": {"reviewed": {"by": "a", "at": "t"}}}',
        b'{"version": 2, "server": "SERVER", "pending_key": "KEY", "checks": []}',
        b'{"version": 2, "server": "SERVER", "pending_key": "KEY"}',
    ],
)
def test_store_corrupt_file_is_empty(tmp_path: Path, content: bytes) -> None:
    store = ChecklistStore(tmp_path)
    path = store.file_for(SERVER, KEY)
    path.parent.mkdir(parents=True)
    path.write_bytes(content.replace(b"KEY", KEY.encode()).replace(b'"SERVER"', f'"{SERVER}"'.encode()))
    assert store.load(SERVER, KEY) == ChecklistState(KEY, {})
    assert store.open(SERVER, KEY, [DROP_COLUMN]).progress == (0, 6)


def test_store_skips_damaged_entries_only(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    path = store.file_for(SERVER, KEY)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 2, "server": SERVER, "pending_key": KEY, "checks": {
        "reviewed": {"by": "alice", "at": "2024-01-01T00:00:00+00:00"},
        "backup-taken": {"by": 3, "at": "x"},
        "tested-in-development": "yes",
        "backwards-compatible": {"by": "a", "at": "b", "findings": [1]},
    }}))
    assert store.load(SERVER, KEY).checks == {
        "reviewed": CheckRecord("alice", "2024-01-01T00:00:00+00:00", ()),
    }


def test_store_save_failure_returns_false(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")  # the state dir would have to be created inside a regular file
    store = ChecklistStore(blocker / "checklists")
    assert store.save(SERVER, Checklist(KEY).state) is False


def test_store_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    store.save(SERVER, Checklist(KEY).state)
    store.save(SERVER, Checklist(KEY).state)
    files = list(store.file_for(SERVER, KEY).parent.iterdir())
    assert [f.name for f in files] == [f"{KEY}.json"]


def test_default_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_checklist_dir() == tmp_path / "neontui" / "checklists"
    assert ChecklistStore().path == tmp_path / "neontui" / "checklists"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_checklist_dir() == tmp_path / "home" / ".local" / "state" / "neontui" / "checklists"


# --- rehearsals and evidence ----------------------------------------------------------------------------

REHEARSED = {"where": "neon branch rehearse-1a2b (masked)", "at": "2026-12-01T12:00:00+00:00", "statements": 4}
BROKEN = {"where": "neon branch rehearse-1a2b (masked)", "at": "2026-12-01T12:05:00+00:00",
          "error": 'ERROR: could not create unique index "users_email_key" (0001_users, statement 2)'}


def test_the_ids_neontui_checks_itself_are_seed_items() -> None:
    assert (TESTED_ID, BACKUP_ID) == ("tested-in-development", "backup-taken")
    assert {TESTED_ID, BACKUP_ID} <= set(SEED_IDS)


def test_a_successful_rehearsal_checks_tested_with_its_evidence() -> None:
    checklist = Checklist(KEY, [DROP_COLUMN])
    assert checklist.rehearsal is None and checklist.rehearsal_failure is None
    checklist.record_rehearsal(REHEARSED, ok=True)
    record = checklist.checks[TESTED_ID]
    assert record.by == "neontui rehearse"
    assert record.evidence == {**REHEARSED, "ok": True}
    assert checklist.rehearsal == {**REHEARSED, "ok": True}
    assert checklist.rehearsal_failure is None
    assert checklist.progress == (1, 6)


def test_a_failed_rehearsal_unchecks_tested_and_keeps_its_reason_until_one_succeeds() -> None:
    checklist = Checklist(KEY)
    checklist.check(TESTED_ID, by="alice")  # the operator thought it was tested
    checklist.record_rehearsal(BROKEN, ok=False)
    assert not checklist.item(TESTED_ID).checked
    assert checklist.rehearsal_failure == BROKEN["error"]
    checklist.check(TESTED_ID, by="alice")  # checking it again does not erase the failure
    assert checklist.rehearsal_failure == BROKEN["error"]
    checklist.record_rehearsal(REHEARSED, ok=True)
    assert checklist.rehearsal_failure is None
    assert checklist.checks[TESTED_ID].by == "neontui rehearse"


def test_a_failure_without_an_error_text_still_reads_as_a_failure() -> None:
    checklist = Checklist(KEY)
    checklist.record_rehearsal({"where": "a copy", "error": ""}, ok=False)
    assert checklist.rehearsal_failure == "the rehearsal failed"


def test_evidence_replaces_a_manual_record_but_a_manual_check_does_not_replace_evidence() -> None:
    checklist = Checklist(KEY)
    checklist.check(BACKUP_ID, by="alice")
    assert checklist.checks[BACKUP_ID].evidence is None
    backup = {"branch": "backup-before-0001", "restore": "neontui restore --branch backup-before-0001"}
    checklist.check(BACKUP_ID, by="neontui migrate", evidence=backup)
    assert checklist.checks[BACKUP_ID].by == "neontui migrate"
    assert checklist.checks[BACKUP_ID].evidence == backup
    checklist.check(BACKUP_ID, by="bob")  # a later plain check keeps what proved it
    assert checklist.checks[BACKUP_ID].by == "neontui migrate"
    assert checklist.checks[BACKUP_ID].evidence == backup
    newer = {**backup, "branch": "backup-before-0002"}
    checklist.check(BACKUP_ID, by="neontui migrate", evidence=newer)
    assert checklist.checks[BACKUP_ID].evidence == newer


def test_evidence_is_copied_not_shared() -> None:
    checklist = Checklist(KEY)
    evidence = {"branch": "backup-1"}
    checklist.check(BACKUP_ID, by="neontui migrate", evidence=evidence)
    evidence["branch"] = "changed later"
    assert checklist.checks[BACKUP_ID].evidence == {"branch": "backup-1"}


def test_a_failed_rehearsal_and_evidence_survive_a_save_and_load(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    checklist = store.open(SERVER, KEY, [DROP_COLUMN])
    checklist.check("reviewed", by="alice")
    checklist.check(BACKUP_ID, by="neontui migrate", evidence={"branch": "backup-before-0001"})
    checklist.record_rehearsal(BROKEN, ok=False)
    assert store.save(SERVER, checklist.state)

    reopened = store.open(SERVER, KEY, [DROP_COLUMN])
    assert reopened.rehearsal_failure == BROKEN["error"]
    assert reopened.rehearsal == {**BROKEN, "ok": False}
    assert reopened.checks[BACKUP_ID].evidence == {"branch": "backup-before-0001"}
    assert reopened.checks == checklist.checks
    assert not reopened.item(TESTED_ID).checked

    reopened.record_rehearsal(REHEARSED, ok=True)
    store.save(SERVER, reopened.state)
    again = store.open(SERVER, KEY, [DROP_COLUMN])
    assert again.rehearsal_failure is None
    assert again.checks[TESTED_ID].evidence == {**REHEARSED, "ok": True}
    data = json.loads(store.file_for(SERVER, KEY).read_text())
    assert data["rehearsal"] == {**REHEARSED, "ok": True}
    assert data["checks"][TESTED_ID]["evidence"] == {**REHEARSED, "ok": True}
    assert "evidence" not in data["checks"]["reviewed"]  # a manual check is stored as before


def test_another_pending_set_starts_clean_of_the_failure(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    checklist = store.open(SERVER, KEY, [])
    checklist.record_rehearsal(BROKEN, ok=False)
    store.save(SERVER, checklist.state)
    fixed = pending_key([("0000_init", "a" * 64), ("0001_users", "f" * 64)])  # the failing migration was edited
    fresh = store.open(SERVER, fixed, [])
    assert fresh.rehearsal is None and fresh.rehearsal_failure is None
    assert fresh.checks == {}
    # Even handed the old state directly, a checklist for another key does not inherit the failure.
    assert Checklist.for_pending(fixed, [], checklist.state).rehearsal is None
    assert store.open(SERVER, KEY, []).rehearsal_failure == BROKEN["error"]  # the old set still remembers


def test_damaged_rehearsal_and_evidence_are_dropped_not_fatal(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    path = store.file_for(SERVER, KEY)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 2, "server": SERVER, "pending_key": KEY, "rehearsal": "failed", "checks": {
        "reviewed": {"by": "alice", "at": "2024-01-01T00:00:00+00:00", "evidence": ["not", "a", "table"]},
    }}))
    state = store.load(SERVER, KEY)
    assert state.rehearsal is None
    assert state.checks == {"reviewed": CheckRecord("alice", "2024-01-01T00:00:00+00:00", ())}


def test_a_state_file_from_before_rehearsals_still_loads(tmp_path: Path) -> None:
    store = ChecklistStore(tmp_path)
    path = store.file_for(SERVER, KEY)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 2, "server": SERVER, "pending_key": KEY, "checks": {
        "reviewed": {"by": "alice", "at": "2024-01-01T00:00:00+00:00", "findings": []}}}))
    checklist = store.open(SERVER, KEY, [])
    assert checklist.rehearsal is None and list(checklist.checks) == ["reviewed"]
