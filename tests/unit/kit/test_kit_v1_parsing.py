"""The parsers of drizzle-kit 1.0's output, on documents and lines rc.5 printed (captured from the real kit; the
compat tests run them against it): envelopes, hint questions and replies, conflicts, migrate's failure, versions."""

from __future__ import annotations

import pytest

from neontui.core.kit.conflicts import describe, parse_conflicts
from neontui.core.kit.hints import dropped_entities, provisional, question_for
from neontui.core.kit.json_output import parse_envelope
from neontui.core.kit.migrate_output import migrate_failure
from neontui.core.kit.versions import version_line

RENAME_ITEM = {"type": "rename_or_create", "kind": "column", "entity": ["public", "users", "given_name"]}
LOSS_ITEM = {"type": "confirm_data_loss", "kind": "column", "entity": ["public", "users", "full_name"],
             "reason": "non_empty"}
# rc.5 `generate --explain --output json` with a create hint (trimmed to the keys read)
STATEMENTS = [
    {"type": "create_table", "table": {"$diffType": "create", "schema": "public", "name": "remarks",
                                       "entityType": "tables"}},
    {"type": "drop_table", "table": {"$diffType": "drop", "schema": "public", "name": "comments",
                                     "entityType": "tables"}, "key": '"public"."comments"'},
    {"type": "add_column", "column": {"$diffType": "create", "schema": "public", "table": "users",
                                      "name": "given_name", "entityType": "columns"}},
    {"type": "drop_column", "column": {"$diffType": "drop", "schema": "public", "table": "users",
                                       "name": "full_name", "entityType": "columns"}},
    {"type": "drop_column", "column": {"$diffType": "drop", "schema": "public", "table": "posts",
                                       "name": "title", "entityType": "columns"}},
]
CONFLICT_ERROR = {
    "code": "check_error", "kind": "conflicts", "conflicts": 1,
    "details": [{"parentId": "e3ce", "parentPath": "drizzle/20261201103321_init", "branches": [
        {"leafId": "27e6", "leafPath": "drizzle/20261201103322_a",
         "statementDescription": "add_column: nick on users table (20261201103322_a)",
         "target": {"kind": "column", "schema": "public", "table": "users", "name": "nick"}, "action": "add_column"},
        {"leafId": "7cda", "leafPath": "drizzle/20261201103323_b",
         "statementDescription": "add_column: nick on users table (20261201103323_b)",
         "target": {"kind": "column", "schema": "public", "table": "users", "name": "nick"},
         "action": "add_column"}]}],
    "fix": {"migrations": ["drizzle/20261201103322_a", "drizzle/20261201103323_b"], "customMigrations": []}}
MIGRATE_OUTPUT = [
    "Using 'pg' driver for database querying",
    "[⣷] applying migrations...",
    "",
    'error: relation "nosuch" does not exist',
    "    at /x/node_modules/pg/lib/client.js:694:17",
    "  severity: 'ERROR',",
    "  code: '42P01',",
    "}",
    "[✗] Error during migration:",
    "Failed query: ",
    "ALTER TABLE nosuch ADD COLUMN x int;",
    "",
]


def test_the_envelope_is_the_last_json_line() -> None:
    assert parse_envelope('noise\n{"status":"no_changes","dialect":"postgresql"}\n') == {
        "status": "no_changes", "dialect": "postgresql"}
    assert parse_envelope("") is None and parse_envelope('{"not": "an envelope"}') is None


def test_a_rename_question_offers_the_dropped_columns_of_the_same_table() -> None:
    question = question_for(RENAME_ITEM, dropped_entities(STATEMENTS))
    assert question.prompt.question == "Is given_name column in users table created or renamed from another column?"
    assert question.prompt.choices == ("+ given_name create column", "~ full_name › given_name rename column")
    assert question.prompt.kind == "rename"
    assert question.reply(0) == {"type": "create", "kind": "column", "entity": ["public", "users", "given_name"]}
    assert question.reply(1) == {"type": "rename", "kind": "column", "from": ["public", "users", "full_name"],
                                 "to": ["public", "users", "given_name"]}


def test_a_table_rename_question() -> None:
    item = {"type": "rename_or_create", "kind": "table", "entity": ["public", "remarks"]}
    question = question_for(item, dropped_entities(STATEMENTS))
    assert question.prompt.choices == ("+ remarks create table", "~ comments › remarks rename table")
    assert question.reply(1)["from"] == ["public", "comments"]


def test_a_data_loss_question_declines_by_default() -> None:
    question = question_for(LOSS_ITEM, {})
    assert question.prompt.kind == "data-loss" and question.prompt.selected == 0
    assert question.prompt.choices[0] == "No, abort" and question.reply(0) is None
    assert question.reply(1) == {"type": "confirm_data_loss", "kind": "column",
                                 "entity": ["public", "users", "full_name"]}
    assert provisional(LOSS_ITEM) == question.reply(1)
    assert provisional(RENAME_ITEM)["type"] == "create"


def test_conflicts_name_both_branches_and_their_statements() -> None:
    parsed = parse_conflicts(CONFLICT_ERROR)
    assert parsed is not None and parsed.deletes == ("20261201103322_a", "20261201103323_b")
    (conflict,) = parsed.conflicts
    assert conflict.parent == "20261201103321_init"
    assert [b.leaf for b in conflict.branches] == ["20261201103322_a", "20261201103323_b"]
    assert describe(conflict) == (
        "migrations 20261201103322_a and 20261201103323_b (both built on 20261201103321_init) do not commute: "
        "add_column: nick on users table (20261201103322_a) vs add_column: nick on users table (20261201103323_b)")
    assert parse_conflicts({"code": "check_error", "kind": "non_latest"}) is None


def test_migrate_failure_reason() -> None:
    assert migrate_failure(MIGRATE_OUTPUT) == ('relation "nosuch" does not exist (42P01); Failed query: '
                                               "ALTER TABLE nosuch ADD COLUMN x int;")
    assert migrate_failure(["[⣷] applying migrations..."]) is None  # 0.31: nothing said
    refused = migrate_failure([" Conflicting migrations detected  Found 1 conflict across 2 migrations"])
    assert refused is not None and refused.startswith("Conflicting migrations detected")


@pytest.mark.parametrize(("version", "line"), [("1.0.0-rc.5", "1.0"), ("0.31.11", "0.x"), ("v1.2.0", "1.0"),
                                               ("unknown", None), (None, None)])
def test_version_line(version: str | None, line: str | None) -> None:
    assert version_line(version) == line
