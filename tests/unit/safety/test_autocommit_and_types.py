"""The file's own transactions without a runner's one (neon-http), what a retry of such a run meets, and the type
advice through arrays and ALTER COLUMN … TYPE (the corpus cases 160-182 hold the rest)."""

from __future__ import annotations

import pytest

from neontui.core.safety import RunMode, Source, analyze
from neontui.core.safety.model import Severity

B = "--> statement-breakpoint\n"
RERUN = "non-idempotent-without-transaction"


def findings(text: str, mode: RunMode = RunMode.AUTOCOMMIT, *enable: str):
    return [f for f in analyze([Source("0000_m", text)], mode=mode, enable=enable).findings if not f.suppressed]


def test_a_begin_left_open_is_a_warning_at_the_begin_with_its_line():
    text = 'ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;\n' + B + "BEGIN;\n" + B + \
        'CREATE TABLE IF NOT EXISTS "tags" ("id" bigint PRIMARY KEY);'
    finding, = findings(text)
    assert (finding.rule, finding.statement, finding.line, finding.severity) == \
        ("uncommitted-transaction", 1, 3, Severity.WARNING)
    assert "no COMMIT closes" in finding.message and "rolled back when the migrator disconnects" in finding.message


def test_a_rollback_is_reported_at_the_rollback_and_the_begin_is_not():
    text = "BEGIN;\n" + B + 'CREATE TABLE IF NOT EXISTS "tags" ("id" bigint PRIMARY KEY);\n' + B + "ROLLBACK;"
    assert [(f.rule, f.statement, f.message) for f in findings(text)] == [
        ("uncommitted-transaction", 2, "ROLLBACK undoes every statement since the file's BEGIN")]


def test_an_acknowledged_rollback_is_suppressed():
    text = "BEGIN;\n" + B + "SELECT 1;\n" + B + "-- a dry run on purpose\n-- neontui-ignore uncommitted-transaction\n" \
        "ROLLBACK;"
    review = analyze([Source("0000_m", text)], mode=RunMode.AUTOCOMMIT)
    assert [(f.rule, f.suppressed) for f in review.findings] == [("uncommitted-transaction", True)]
    assert review.unused_ignores == []


def test_a_commit_in_a_later_file_of_the_run_closes_the_transaction():
    sources = [Source("0000_a", "BEGIN;\n" + B + 'CREATE TABLE IF NOT EXISTS "t" ("id" bigint);'),
               Source("0001_b", "COMMIT;")]
    assert analyze(sources, mode=RunMode.AUTOCOMMIT).findings == []


@pytest.mark.parametrize("mode", [RunMode.TRANSACTION, RunMode.PLANNED])
def test_under_a_runners_transaction_its_commit_ends_the_files_begin(mode):
    # BEGIN inside the runner's transaction only warns (25001 there is already a transaction in progress).
    rules = {f.rule for f in findings('BEGIN;\n' + B + 'CREATE TABLE "t" ("id" bigint);', mode)}
    assert "uncommitted-transaction" not in rules


def test_retry_hazards_name_the_statement_and_stop_inside_the_files_own_transaction():
    statements = ['ALTER TABLE "users" DROP COLUMN "legacy_id";', 'ALTER TABLE "orders" DROP CONSTRAINT "c";']
    text = B.join(s + "\n" for s in statements)
    assert [f.message for f in findings(text, RunMode.AUTOCOMMIT, RERUN) if f.rule == RERUN] == [
        'DROP COLUMN "legacy_id" has no IF EXISTS', 'DROP CONSTRAINT "c" has no IF EXISTS']
    wrapped = "BEGIN;\n" + B + text + B + "COMMIT;"
    assert [f for f in findings(wrapped, RunMode.AUTOCOMMIT, RERUN) if f.rule == RERUN] == []
    assert [f for f in findings(text, RunMode.TRANSACTION, RERUN) if f.rule == RERUN] == []


@pytest.mark.parametrize(("sql", "rule", "message"), [
    ('CREATE TABLE "p" ("tags" varchar(100)[]);', "prefer-text-field", '"tags" in "p" is varchar(100)[]; prefer text'),
    ('CREATE TABLE "p" ("at" timestamp[][]);', "prefer-timestamptz",
     '"at" in "p" is timestamp[] without time zone; prefer timestamptz'),
    ('ALTER TABLE "p" ADD COLUMN "codes" char(2)[];', "ban-char-field", '"codes" in "p" is char(n)[]; prefer text'),
    ('ALTER TABLE "p" ALTER COLUMN "meta" TYPE json;', "json-column",
     '"meta" in "p" is json; jsonb supports equality and indexing'),
])
def test_type_advice_looks_through_arrays_and_at_the_new_type(sql, rule, message):
    assert [f.message for f in findings(sql, RunMode.TRANSACTION, rule) if f.rule == rule] == [message]


def test_varchar_without_a_length_is_text():
    sql = 'CREATE TABLE "p" ("a" varchar, "b" character varying[]);\n' + B + \
        'ALTER TABLE "p" ALTER COLUMN "a" TYPE varchar;'
    assert [f for f in findings(sql, RunMode.TRANSACTION, "prefer-text-field") if f.rule == "prefer-text-field"] == []
