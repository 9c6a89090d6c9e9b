"""A migrations folder is reviewed migration by migration, each against the schema everything before it produced."""

from __future__ import annotations

from pathlib import Path

from neontui.core.actions.lint import Newer, lint
from neontui.core.drizzle.layout import read_migrations
from neontui.core.safety.history import review_history
from tests.factories import entry, make_folder

B = "--> statement-breakpoint\n"


def folder(root: Path, *sqls: str) -> Path:
    tags = [f"{i:04d}_step" for i in range(len(sqls))]
    return make_folder(root, [entry(i, t, (i + 1) * 1000) for i, t in enumerate(tags)],
                       {t: s.encode() for t, s in zip(tags, sqls, strict=True)})


def rules(review) -> list[tuple[str, str]]:
    return [(f.rule, f.tag) for f in review.findings if not f.suppressed]


def test_a_column_dropped_from_a_table_an_earlier_migration_created_loses_data(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "accounts" ("id" integer PRIMARY KEY, "legacy_token" text);',
                 'ALTER TABLE "accounts" DROP COLUMN "legacy_token";')
    review = lint([out]).review
    assert rules(review) == [("drop-column", "0001_step")]
    assert review.sources == ["0000_step", "0001_step"] and review.schema_origin is not None


def test_the_same_two_migrations_in_one_batch_lose_nothing(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "accounts" ("id" integer PRIMARY KEY, "legacy_token" text);',
                 'ALTER TABLE "accounts" DROP COLUMN "legacy_token";')
    loose = [tmp_path / "a.sql", tmp_path / "b.sql"]
    for path, entry_path in zip(loose, sorted(out.glob("*.sql")), strict=True):
        path.write_bytes(entry_path.read_bytes())
    assert rules(lint(loose).review) == []  # loose files are one run: the table is new in it


def test_after_reviews_only_the_newer_migrations_against_the_schema_before_them(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(64));',
                 'ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE varchar(128);',
                 'ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE varchar(32);')
    linted = lint([out], newer=Newer(after="0000_step"))
    assert [s.tag for s in linted.sources] == ["0001_step", "0002_step"]
    assert rules(linted.review) == [("change-column-type", "0002_step")]  # the widening is binary-coercible
    assert [s.tag for s in lint([out], newer=Newer(after="0001")).sources] == ["0002_step"]  # its number is enough


def test_a_not_valid_check_from_an_earlier_migration_lets_set_not_null_skip_its_scan_once_validated(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text);',
                 'ALTER TABLE "orders" ADD CONSTRAINT "orders_note_nn" CHECK ("note" IS NOT NULL) NOT VALID;',
                 f'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_note_nn";{B}'
                 'ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;',
                 'ALTER TABLE "orders" ADD COLUMN "memo" text;',
                 'ALTER TABLE "orders" ALTER COLUMN "memo" SET NOT NULL;')
    assert rules(lint([out], newer=Newer(after="0001_step")).review) == [("set-not-null", "0004_step")]


def test_files_inside_a_migrations_folder_are_reviewed_against_its_history(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(64));',
                 'ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE text;')
    linted = lint([out / "0001_step.sql"])
    assert [s.tag for s in linted.sources] == ["0001_step"] and rules(linted.review) == []
    copy = tmp_path / "0001_step.sql"
    copy.write_bytes((out / "0001_step.sql").read_bytes())
    assert rules(lint([copy]).review) == [("change-column-type", "0001_step")]  # loose: the old type is unknown


def test_nothing_newer_is_an_empty_review_that_says_so(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "posts" ("id" integer PRIMARY KEY);')
    linted = lint([out], newer=Newer(after="0000_step"))
    assert linted.sources == [] and linted.review.findings == [] and linted.selected_nothing


def test_each_migration_meets_the_schema_the_earlier_ones_left_renames_included(tmp_path):
    out = folder(tmp_path, 'CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(64));',
                 'ALTER TABLE "posts" RENAME COLUMN "slug" TO "handle";',
                 'ALTER TABLE "posts" ALTER COLUMN "handle" SET DATA TYPE varchar(128);',
                 'ALTER TABLE "posts" ALTER COLUMN "handle" SET DATA TYPE integer USING 0;')
    review = review_history(read_migrations(out), {"0002_step", "0003_step"})
    assert review.sources == ["0002_step", "0003_step"]
    assert rules(review) == [("change-column-type", "0003_step")]  # 0002 widens the renamed varchar(64)
