"""The review engine's behaviour beyond rule triggers: locations, fields, suppression, modes, versions, inputs."""

from __future__ import annotations

import random

import pytest

from neontui.core.drizzle.journal import read_journal
from neontui.core.safety import (
    ADVISORY_RULES,
    CORE_RULES,
    RULES,
    DangerClass,
    RunMode,
    Severity,
    Source,
    analyze,
    analyze_migrations,
)
from neontui.core.schema import Column, Schema, Table
from neontui.core.sql.versions import parse_version
from tests.factories import entry, make_folder

B = "--> statement-breakpoint\n"


def review(*texts: str, **options):
    return analyze([Source(f"{i:04d}_m", t) for i, t in enumerate(texts)], **options)


def live(result) -> list[tuple[str, str, int]]:
    return [(f.rule, f.tag, f.statement) for f in result.findings if not f.suppressed]


def test_catalog_ids_classes_and_severities_match_the_rule_document():
    # issue 15 added uncommitted-transaction, snapshot-mismatch and partitioned-index-concurrently
    assert len(CORE_RULES) == 53 and len(ADVISORY_RULES) == 16
    errors = {r for r in CORE_RULES if RULES[r].severity is Severity.ERROR}
    assert errors == {"syntax-error", "cannot-run-in-transaction", "enum-add-value-in-transaction",
                      "duplicate-column-assignment", "nul-byte", "partitioned-index-concurrently"}
    assert all(RULES[r].severity is Severity.INFO for r in ADVISORY_RULES)
    assert RULES["drop-column"].danger is DangerClass.DATA_LOSS
    assert RULES["change-column-type"].danger is DangerClass.TABLE_REWRITE


def test_finding_carries_location_lock_explanation_and_user_named_suggestion():
    text = ('CREATE TABLE "t" ("id" integer);\n' + B +
            'ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") '
            'REFERENCES "public"."users"("id");')
    (finding,) = review(text).findings
    assert (finding.rule, finding.statement, finding.line, finding.column) == ("add-foreign-key-validating", 1, 3, 1)
    assert finding.severity is Severity.WARNING and finding.danger is DangerClass.BLOCKING_LOCK
    assert finding.lock == 'SHARE ROW EXCLUSIVE on "orders" and "users"'
    assert finding.blocks == 'writes to "orders" and "users"'
    assert "scans the whole referencing table" in finding.explanation
    assert finding.suggestion.splitlines() == [
        "-- run 1",
        'ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") '
        'REFERENCES "public"."users"("id") NOT VALID;',
        "-- run 2 (a later apply, not the same run)",
        'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_user_id_users_id_fk";']
    assert finding.to_json()["docs"] == "docs/rules.md#add-foreign-key-validating"


def test_columns_count_from_the_start_of_a_line_shared_with_a_breakpoint():
    text = 'CREATE TABLE "t" ("id" int);--> statement-breakpoint DROP TABLE "old";'
    (finding,) = review(text).findings
    assert (finding.line, finding.column) == (1, text.index("DROP") + 1)


def test_location_is_right_after_non_ascii_text():
    text = '-- café ☕\nCREATE TABLE "t" ("é" int); DROP TABLE "old";'
    (finding,) = review(text).findings
    assert (finding.rule, finding.line, finding.column) == ("drop-table", 2, text.split("\n")[1].index("DROP") + 1)


def test_a_long_identifier_is_located_after_non_ascii_text_on_its_line():
    name = "é" * 32  # 32 characters, 64 bytes: one over PostgreSQL's limit
    text = f'CREATE TABLE "café" ("id" int, "{name}" int);'
    (finding,) = review(text).findings
    assert (finding.rule, finding.line, finding.column) == ("identifier-too-long", 1, text.index(name))
    assert finding.message.endswith(f'truncates it to "{"é" * 31}"')


def test_suppressed_findings_are_still_listed_and_unused_ignores_reported():
    text = ("-- neontui-ignore: drop-table\nDROP TABLE \"a\";" + B +
            "/* neontui-ignore drop-column */ DROP TABLE \"b\";")
    result = review(text)
    assert [(f.rule, f.suppressed) for f in result.findings] == [("drop-table", True), ("drop-table", False)]
    assert result.findings[0].suppressed_by == "-- neontui-ignore: drop-table"
    assert not result.findings[0].blocking and result.findings[1].blocking
    assert [(line, comment) for _, line, comment in result.unused_ignores] == [
        (3, "/* neontui-ignore drop-column */")]


def test_ignore_comment_at_the_end_of_the_previous_chunk_covers_the_next_statement():
    text = 'SELECT 1;\n-- neontui-ignore drop-table\n' + B + 'DROP TABLE "a";'
    assert [f.suppressed for f in review(text).findings] == [True]


def test_file_ignore_without_rules_suppresses_everything_in_that_file_only():
    result = review("-- neontui-ignore-file\nDROP TABLE \"a\";", "DROP TABLE \"b\";")
    assert [(f.tag, f.suppressed) for f in result.findings] == [("0000_m", True), ("0001_m", False)]


def test_run_spans_files_in_order():
    result = review('CREATE TABLE "events" ("id" int, "kind" text);',
                    'CREATE INDEX "events_kind_idx" ON "events" ("kind");')
    assert live(result) == []
    alone = review('CREATE INDEX "events_kind_idx" ON "events" ("kind");')
    assert live(alone) == [("create-index-non-concurrent", "0000_m", 0)]


def test_autocommit_mode_models_neon_http():
    text = 'CREATE INDEX CONCURRENTLY "i" ON "t" ("a");' + B + 'DROP TABLE "x";'
    assert ("cannot-run-in-transaction", "0000_m", 0) in live(review(text))
    assert live(review(text, mode=RunMode.AUTOCOMMIT)) == [("drop-table", "0000_m", 1)]
    advisory = [f for f in live(review(text, mode=RunMode.AUTOCOMMIT, advisory=True)) if "idempotent" in f[0]]
    assert advisory == [("non-idempotent-without-transaction", "0000_m", 0),
                        ("non-idempotent-without-transaction", "0000_m", 1)]


@pytest.mark.parametrize(("version", "expected"), [
    ("10", ["add-column-volatile-default"]), ("11", []), ("18", []),
])
def test_default_rewrite_depends_on_the_server_version(version, expected):
    text = 'ALTER TABLE "users" ADD COLUMN "status" text DEFAULT \'active\';'
    assert [f.rule for f in review(text, pg_version=parse_version(version), advisory=False).findings] == expected


def test_advisory_rules_are_info_and_optional():
    text = 'CREATE TABLE "t" ("id" serial PRIMARY KEY, "data" json, "at" timestamp, "name" varchar(20));'
    assert review(text, advisory=False).findings == []
    rules = {f.rule for f in review(text, advisory=True).findings}
    assert {"prefer-identity", "prefer-bigint", "json-column", "prefer-timestamptz", "prefer-text-field"} <= rules
    assert "require-table-schema" not in rules
    assert "require-table-schema" in {f.rule for f in review(text, enable=["require-table-schema"]).findings}
    assert review(text, advisory=True).findings[0].severity is Severity.INFO


def test_known_column_types_decide_whether_a_type_change_rewrites():
    text = 'ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE varchar(80);'
    assert [f.rule for f in review(text, advisory=False).findings] == ["change-column-type"]
    known = Schema("a test", {("public", "users"): Table({"name": Column("character varying(40)")})})
    assert review(text, advisory=False, schema=known).findings == []


def test_reviews_journal_entries_and_skips_missing_files(tmp_path):
    out = make_folder(tmp_path, [entry(0, "0000_a", 1), entry(1, "0001_gone", 2)],
                      {"0000_a": b'DROP TABLE "x";'})
    result = analyze_migrations(read_journal(out).entries)
    assert result.sources == ["0000_a"] and [f.rule for f in result.findings] == ["drop-table"]


def test_malformed_input_never_crashes():
    rng = random.Random(5)
    pieces = ["CREATE", "TABLE", '"t"', "(", ")", ";", "$$", "'", "--", "/*", "*/", "DO", "ALTER", "DROP", B,
              "\ufeff", "\ufffd", "\x00", "INDEX", "CONCURRENTLY", "ON", "BEGIN", "COMMIT", "é", "\n", "neontui-ignore"]
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        result = review(text)
        assert all(f.line >= 1 and f.column >= 1 for f in result.findings)


def test_planned_mode_models_neontui_migrate():
    text = ('CREATE INDEX CONCURRENTLY "i" ON "t" ("a");' + B + "COMMIT;" + B +
            'ALTER TABLE "t" ADD CONSTRAINT "c" CHECK ("a" > 0) NOT VALID;' + B +
            'ALTER TABLE "t" VALIDATE CONSTRAINT "c";')
    assert [f.rule for f in review(text).findings] == ["cannot-run-in-transaction",
                                                       "transaction-control-in-migration"]
    # neontui runs CONCURRENTLY as its own step and treats COMMIT as a step boundary; a VALIDATE in the same
    # transaction as its NOT VALID is still a finding there
    assert [f.rule for f in review(text, mode=RunMode.PLANNED).findings] == ["validate-constraint-same-transaction"]


def test_review_lists_the_pre_existing_tables_the_run_touches():
    result = review('CREATE TABLE "fresh" ("id" int);' + B + 'CREATE INDEX "f" ON "fresh" ("id");' + B +
                    'ALTER TABLE "users" ADD COLUMN "x" int;' + B + 'UPDATE "orders" SET "a" = 1 WHERE "id" = 2;' +
                    B + 'DROP TABLE "audit"."old";')
    assert result.touched == {("public", "users"), ("public", "orders"), ("audit", "old")}


def test_a_do_body_is_reviewed_in_the_order_it_runs():
    # The index is on a table the same body created just before: nothing to lock, nothing to report.
    result = review('DO $$ BEGIN\n  CREATE TABLE "jobs" (id bigint);\n  CREATE INDEX "jobs_id_idx" ON "jobs" (id);\n'
                    'END $$;')
    assert [f.rule for f in result.findings] == []
    result = review('DO $$ BEGIN\n  CREATE INDEX "orders_id_idx" ON "orders" (id);\nEND $$;')
    (finding,) = result.findings
    assert (finding.rule, finding.line, finding.column) == ("create-index-non-concurrent", 2, 3)
