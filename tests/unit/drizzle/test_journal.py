"""Journal reading, drizzle's hash and drizzle's split, on real files."""

from __future__ import annotations

import hashlib

import pytest

from neontui.core.drizzle.journal import drizzle_hash, read_journal, split_statements
from neontui.core.errors import JournalError
from tests.factories import entry, make_folder

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_hash_of_valid_utf8_equals_sha256_of_bytes():
    data = 'CREATE TABLE "ünïcode" (id int);'.encode()
    assert drizzle_hash(data) == hashlib.sha256(data).hexdigest()
    assert drizzle_hash(b"") == EMPTY_SHA256


def test_hash_of_invalid_utf8_hashes_replacement_characters_like_node():
    latin1 = "-- café\nSELECT 1;".encode("latin-1")
    assert drizzle_hash(latin1) != hashlib.sha256(latin1).hexdigest()
    assert drizzle_hash(latin1) == hashlib.sha256("-- caf\ufffd\nSELECT 1;".encode()).hexdigest()


def test_hash_keeps_bom_crlf_and_trailing_whitespace():
    base = b"SELECT 1;"
    variants = {base, b"\xef\xbb\xbf" + base, base + b"\r\n", base + b" "}
    assert len({drizzle_hash(v) for v in variants}) == 4


def test_split_is_literal_and_verbatim():
    text = ('CREATE TABLE "a" (\n\t"id" int\n);\n--> statement-breakpoint\n'
            'ALTER TABLE "a" ADD x int;--> statement-breakpoint\n')
    chunks = split_statements(text)
    assert chunks == ['CREATE TABLE "a" (\n\t"id" int\n);\n', '\nALTER TABLE "a" ADD x int;', "\n"]
    assert "".join(chunks) == text.replace("--> statement-breakpoint", "")
    # The marker needs no newline and a near-miss is not a marker.
    assert split_statements("a;--> statement-breakpointb;-- > statement-breakpoint c") == [
        "a;", "b;-- > statement-breakpoint c"]


def test_reads_current_journal_with_files_hashes_and_statement_lines(tmp_path):
    sql0 = b'CREATE TABLE "a" (\n\t"id" int\n);\n--> statement-breakpoint\nCREATE INDEX "i" ON "a" ("id");'
    out = make_folder(tmp_path, [entry(0, "0000_init", 1000), entry(1, "0001_more", 2000)],
                      {"0000_init": sql0, "0001_more": b"SELECT 1;"})
    journal = read_journal(out)
    assert [e.tag for e in journal.entries] == ["0000_init", "0001_more"]
    first = journal.entries[0]
    assert first.hash == hashlib.sha256(sql0).hexdigest()
    assert len(first.statements) == 2
    assert first.statement_lines == [1, 4]
    assert journal.issues == ()
    assert journal.unlisted_files == ()


def test_reads_legacy_pg_journal_with_mixed_entry_versions_in_array_order(tmp_path):
    entries = [entry(0, "0000_a", 1000, version="5"), entry(2, "0002_c", 3000, version="7"),
               entry(1, "0001_b", 2000, version="6")]
    out = make_folder(tmp_path, entries, {"0000_a": b"", "0001_b": b"", "0002_c": b""},
                      header={"version": "5", "dialect": "pg"})
    journal = read_journal(out)
    assert journal.dialect == "pg" and journal.version == "5"
    assert [e.tag for e in journal.entries] == ["0000_a", "0002_c", "0001_b"]  # never sorted
    assert [e.version for e in journal.entries] == ["5", "7", "6"]
    assert [i.code for i in journal.issues] == ["when-order"]


def test_reports_missing_unlisted_duplicate_and_pulled_files(tmp_path):
    header = (b"-- Current sql file was generated after introspecting the database\n"
              b"-- If you want to run this migration please uncomment this code before executing migrations\n")
    # As pull writes it: the breakpoint inside the comment leaves "/* CREATE TABLE a ();" unterminated.
    two = b"CREATE TABLE a ();\n--> statement-breakpoint\nCREATE TABLE b ();"
    pulled = header + b"/*\n" + two + b"\n*/"
    out = make_folder(tmp_path, [entry(0, "0000_a", 1000), entry(1, "0001_gone", 2000), entry(2, "0000_a", 3000),
                                 entry(3, "0003_pull", 4000), entry(4, "0004_uncommented", 5000)],
                      {"0000_a": b"SELECT 1;", "0003_pull": pulled, "0099_stray": b"SELECT 2;",
                       "0004_uncommented": header + two})
    journal = read_journal(out)
    missing = journal.entries[1]
    assert not missing.exists and missing.hash is None and missing.statements == []
    assert [p.name for p in journal.unlisted_files] == ["0099_stray.sql"]
    assert {i.code for i in journal.issues} == {"duplicate-tag", "pulled-file"}
    # Only the file that still fails is reported: the header alone decides nothing.
    assert [i.tag for i in journal.issues if i.code == "pulled-file"] == ["0003_pull"]


def test_invalid_utf8_file_is_flagged_not_fatal(tmp_path):
    out = make_folder(tmp_path, [entry(0, "0000_a", 1000)], {"0000_a": b"-- caf\xe9\nSELECT 1;"})
    journal = read_journal(out)
    assert journal.entries[0].text == "-- caf\ufffd\nSELECT 1;"
    assert [i.code for i in journal.issues] == ["invalid-utf8"]


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "no migrations journal"),
    (b"{not json", "invalid JSON at line 1 column 2"),
    (b"[]", "expected a JSON object"),
    (b'{"entries": {}}', '"entries" must be a list'),
    (b'{"dialect": "mysql", "entries": []}', "dialect is 'mysql'"),
    (b'{"entries": [{"idx": 0, "when": 1}]}', 'entries[0] has no "tag"'),
    (b'{"entries": [{"tag": "0000_a", "when": "soon"}]}', "(0000_a) has no integer \"when\""),
    (b"\xff\xfe", "not UTF-8"),
])
def test_malformed_journal_names_file_and_problem(tmp_path, content, fragment):
    (tmp_path / "meta").mkdir()
    if content is not None:
        (tmp_path / "meta" / "_journal.json").write_bytes(content)
    with pytest.raises(JournalError) as err:
        read_journal(tmp_path)
    assert fragment in err.value.message
    assert str(tmp_path / "meta" / "_journal.json") in err.value.message
