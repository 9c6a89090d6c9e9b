"""An unsafe statement and its safe rewrite for every rule of the catalog, for the rule reference (docs/rules.md).

Each `unsafe` text makes the review report its rule and each `safe` migration does not (tests/unit/safety/
test_reference.py runs them), so the published examples cannot drift from what the engine does. `safe` holds one
text per run: a second entry is a later migration, applied after the first has committed. Where no SQL makes the
change safe, the rewrite says what to do first and then acknowledges the finding with an ignore comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from neontui.core.safety.model import RunMode


@dataclass(frozen=True)
class Example:
    unsafe: str
    safe: tuple[str, ...]
    pg: int | None = None  # server_version_num the example needs (default: the newest)
    mode: RunMode = RunMode.TRANSACTION  # how the unsafe migration runs: drizzle's one transaction by default
    safe_mode: RunMode = RunMode.PLANNED  # the rewrite as neontui migrate runs it (no-transaction steps apart)
    # snapshot-mismatch: the SQL that produces the schema drizzle's snapshot of the migration describes, on top of
    # a `users` table with an `id` column (the snapshot before it)
    snapshot: str | None = None
    before: str | None = None  # the schema before the example as SQL, for rules that only the schema decides


def _ack(rule: str, why: str, sql: str) -> tuple[str, ...]:
    return (f"-- {why}\n-- neontui-ignore {rule}\n{sql}",)


EXAMPLES: dict[str, Example] = {
    # data-loss
    "drop-table": Example('DROP TABLE "orders";', _ack(
        "drop-table", "a release ago the code stopped using the table, and it is backed up", 'DROP TABLE "orders";')),
    "drop-column": Example('ALTER TABLE "users" DROP COLUMN "nickname";', _ack(
        "drop-column", "the column left the Drizzle schema in an earlier deploy",
        'ALTER TABLE "users" DROP COLUMN "nickname";')),
    "drop-schema": Example('DROP SCHEMA "archive" CASCADE;', _ack(
        "drop-schema", "its tables were moved or dropped by earlier migrations; no CASCADE",
        'DROP SCHEMA "archive";')),
    "drop-database": Example('DROP DATABASE "staging";',
                             ("-- no SQL: delete databases with the Neon console or neonctl, never in a migration",)),
    "truncate-table": Example('TRUNCATE "events";',
                              ('DELETE FROM "events" WHERE "id" BETWEEN 1 AND 10000;',)),
    "truncate-cascade": Example('TRUNCATE "customers" CASCADE;', _ack(
        "truncate-table", "every table to empty is named", 'TRUNCATE "orders", "customers";')),
    "delete-without-where": Example('DELETE FROM "sessions";',
                                    ("DELETE FROM \"sessions\" WHERE \"expires_at\" < now() - interval '30 days';",)),
    # blocking-lock
    "create-index-non-concurrent": Example(
        'CREATE INDEX "orders_created_at_idx" ON "orders" ("created_at");',
        ('CREATE INDEX CONCURRENTLY "orders_created_at_idx" ON "orders" ("created_at");',)),
    "drop-index-non-concurrent": Example('DROP INDEX "orders_created_at_idx";',
                                         ('DROP INDEX CONCURRENTLY "orders_created_at_idx";',)),
    "add-foreign-key-validating": Example(
        'ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") '
        'REFERENCES "customers" ("id");',
        ('ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") '
         'REFERENCES "customers" ("id") NOT VALID;',
         'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_customer_fk";')),
    "add-check-constraint-validating": Example(
        'ALTER TABLE "orders" ADD CONSTRAINT "orders_total_positive" CHECK ("total" >= 0);',
        ('ALTER TABLE "orders" ADD CONSTRAINT "orders_total_positive" CHECK ("total" >= 0) NOT VALID;',
         'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_total_positive";')),
    "validate-constraint-same-transaction": Example(
        'ALTER TABLE "orders" ADD CONSTRAINT "orders_total_positive" CHECK ("total" >= 0) NOT VALID;\n'
        '--> statement-breakpoint\n'
        'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_total_positive";',
        ('ALTER TABLE "orders" ADD CONSTRAINT "orders_total_positive" CHECK ("total" >= 0) NOT VALID;',
         'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_total_positive";')),
    "add-unique-constraint": Example(
        'ALTER TABLE "users" ADD CONSTRAINT "users_email_unique" UNIQUE ("email");',
        ('CREATE UNIQUE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");',
         'ALTER TABLE "users" ADD CONSTRAINT "users_email_unique" UNIQUE USING INDEX "users_email_idx";')),
    "add-primary-key": Example(
        'ALTER TABLE "events" ADD PRIMARY KEY ("id");',
        ('CREATE UNIQUE INDEX CONCURRENTLY "events_id_idx" ON "events" ("id");',
         'ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY USING INDEX "events_id_idx";')),
    "add-exclusion-constraint": Example(
        'ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap" '
        'EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&);',
        _ack("add-exclusion-constraint", "applied in a maintenance window, with the application stopped",
             'ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap" '
             'EXCLUDE USING gist ("room_id" WITH =, "during" WITH &&);')),
    "set-not-null": Example(
        'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;',
        ('ALTER TABLE "users" ADD CONSTRAINT "users_email_nn" CHECK ("email" IS NOT NULL) NOT VALID;',
         'ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_nn";\n--> statement-breakpoint\n'
         '-- PostgreSQL 12+ skips the scan: the validated CHECK already proves it\n-- neontui-ignore set-not-null\n'
         'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;')),
    "reindex-non-concurrent": Example('REINDEX INDEX "orders_created_at_idx";',
                                      ('REINDEX INDEX CONCURRENTLY "orders_created_at_idx";',)),
    "detach-partition-non-concurrent": Example(
        'ALTER TABLE "events" DETACH PARTITION "events_2024";',
        ('ALTER TABLE "events" DETACH PARTITION "events_2024" CONCURRENTLY;',)),
    "vacuum-full-or-cluster": Example('VACUUM FULL "events";',
                                      ('-- no SQL: run pg_repack on "events" outside the migration',),
                                      mode=RunMode.PLANNED),
    "refresh-matview-non-concurrent": Example('REFRESH MATERIALIZED VIEW "daily_totals";',
                                              ('REFRESH MATERIALIZED VIEW CONCURRENTLY "daily_totals";',)),
    "backfill-in-migration-transaction": Example(
        'ALTER TABLE "users" ADD COLUMN "plan" text;\n--> statement-breakpoint\n'
        "UPDATE \"users\" SET \"plan\" = 'free';",
        ('ALTER TABLE "users" ADD COLUMN "plan" text;',
         "UPDATE \"users\" SET \"plan\" = 'free' WHERE \"id\" BETWEEN 1 AND 10000;")),
    "domain-constraint": Example(
        'ALTER DOMAIN "email" ADD CONSTRAINT "email_has_at" CHECK (VALUE LIKE \'%@%\');',
        ('ALTER TABLE "users" ADD CONSTRAINT "users_email_has_at" CHECK ("email" LIKE \'%@%\') NOT VALID;',
         'ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_has_at";')),
    # table-rewrite
    "add-column-volatile-default": Example(
        'ALTER TABLE "events" ADD COLUMN "public_id" uuid DEFAULT gen_random_uuid();',
        ('ALTER TABLE "events" ADD COLUMN "public_id" uuid;\n--> statement-breakpoint\n'
         'ALTER TABLE "events" ALTER COLUMN "public_id" SET DEFAULT gen_random_uuid();',
         'UPDATE "events" SET "public_id" = gen_random_uuid() WHERE "id" BETWEEN 1 AND 10000;')),
    "add-column-generated-stored": Example(
        'ALTER TABLE "orders" ADD COLUMN "total_cents" bigint GENERATED ALWAYS AS ("total" * 100) STORED;',
        ('ALTER TABLE "orders" ADD COLUMN "total_cents" bigint GENERATED ALWAYS AS ("total" * 100) VIRTUAL;',)),
    "add-column-serial-or-identity": Example(
        'ALTER TABLE "events" ADD COLUMN "seq" bigserial;',
        ('CREATE SEQUENCE "events_seq_seq";\n--> statement-breakpoint\n'
         'ALTER TABLE "events" ADD COLUMN "seq" bigint;\n--> statement-breakpoint\n'
         'ALTER TABLE "events" ALTER COLUMN "seq" SET DEFAULT nextval(\'events_seq_seq\');',)),
    "change-column-type": Example(
        'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE numeric(12, 2);',
        ('ALTER TABLE "orders" ADD COLUMN "total_numeric" numeric(12, 2);',
         '-- after the application writes both columns and a batched backfill has run:\n'
         'ALTER TABLE "orders" RENAME COLUMN "total" TO "total_old";')),
    "table-rewrite-other": Example('ALTER TABLE "events" SET LOGGED;', _ack(
        "table-rewrite-other", "applied in a maintenance window", 'ALTER TABLE "events" SET LOGGED;')),
    # backward-incompatible
    "rename-column": Example(
        'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";',
        ("-- no SQL: keep the column and rename the field only in the Drizzle schema:\n"
         "-- fullName: text('name')",)),
    "rename-table": Example(
        'ALTER TABLE "users" RENAME TO "accounts";',
        ('CREATE VIEW "accounts" AS SELECT * FROM "users";',)),
    "rename-other-object": Example(
        'ALTER TYPE "status" RENAME VALUE \'done\' TO \'finished\';',
        ('ALTER TYPE "status" ADD VALUE \'finished\' AFTER \'done\';',)),
    "set-schema": Example('ALTER TABLE "users" SET SCHEMA "auth";', _ack(
        "set-schema", "every caller already names the table without a schema through search_path",
        'ALTER TABLE "users" SET SCHEMA "auth";')),
    "drop-view": Example('DROP VIEW "active_users";',
                         ('CREATE OR REPLACE VIEW "active_users" AS SELECT * FROM "users" WHERE "active";',)),
    "drop-type": Example('DROP TYPE "status";', _ack(
        "drop-type", "no column or function uses the type any more", 'DROP TYPE "status";')),
    "drop-function": Example('DROP FUNCTION "touch_updated_at"();', _ack(
        "drop-function", "its trigger was dropped in an earlier migration", 'DROP FUNCTION "touch_updated_at"();')),
    "drop-sequence": Example('DROP SEQUENCE "invoice_number_seq";', _ack(
        "drop-sequence", "no column default uses the sequence any more", 'DROP SEQUENCE "invoice_number_seq";')),
    "drop-extension": Example('DROP EXTENSION "pg_trgm";', _ack(
        "drop-extension", "its indexes and functions were dropped in earlier migrations", 'DROP EXTENSION "pg_trgm";')),
    "drop-domain": Example('DROP DOMAIN "email";', _ack(
        "drop-domain", "the columns of this domain were retyped to text first", 'DROP DOMAIN "email";')),
    "drop-constraint": Example('ALTER TABLE "orders" DROP CONSTRAINT "orders_customer_fk";', _ack(
        "drop-constraint", "checked: no code relies on the foreign key",
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_customer_fk";')),
    "drop-not-null": Example('ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;', _ack(
        "drop-not-null", "every reader of users.email handles NULL since the last deploy",
        'ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;')),
    "drop-default": Example('ALTER TABLE "users" ALTER COLUMN "plan" DROP DEFAULT;', _ack(
        "drop-default", "every insert into users sets plan since the last deploy",
        'ALTER TABLE "users" ALTER COLUMN "plan" DROP DEFAULT;')),
    "alter-identity": Example(
        'ALTER TABLE "users" ALTER COLUMN "id" SET GENERATED ALWAYS;', _ack(
            "alter-identity", "keep GENERATED BY DEFAULT; only move the sequence above max(id)",
            'ALTER TABLE "users" ALTER COLUMN "id" RESTART WITH 100000;')),
    "drop-generated-expression": Example(
        'ALTER TABLE "orders" ALTER COLUMN "total_cents" DROP EXPRESSION;', _ack(
            "drop-generated-expression", "a trigger maintains total_cents since the last migration",
            'ALTER TABLE "orders" ALTER COLUMN "total_cents" DROP EXPRESSION;')),
    "add-column-required-no-default": Example(
        'ALTER TABLE "users" ADD COLUMN "plan" text NOT NULL;',
        ("ALTER TABLE \"users\" ADD COLUMN \"plan\" text NOT NULL DEFAULT 'free';",)),
    # other: statements that fail or do something else than intended
    "cannot-run-in-transaction": Example(
        'CREATE INDEX CONCURRENTLY "orders_created_at_idx" ON "orders" ("created_at");',
        ('CREATE INDEX CONCURRENTLY "orders_created_at_idx" ON "orders" ("created_at");',)),
    "enum-add-value-in-transaction": Example(
        'ALTER TYPE "status" ADD VALUE \'archived\' AFTER \'done\';',
        ('ALTER TYPE "status" ADD VALUE \'archived\' AFTER \'done\';',), pg=110000),
    "transaction-control-in-migration": Example(
        'CREATE TABLE "tags" ("id" bigint PRIMARY KEY);\n--> statement-breakpoint\nCOMMIT;',
        ('CREATE TABLE "tags" ("id" bigint PRIMARY KEY);',)),
    "uncommitted-transaction": Example(
        'BEGIN;\n--> statement-breakpoint\nCREATE TABLE "tags" ("id" bigint PRIMARY KEY);',
        ('BEGIN;\n--> statement-breakpoint\nCREATE TABLE "tags" ("id" bigint PRIMARY KEY);\n'
         '--> statement-breakpoint\nCOMMIT;',), mode=RunMode.AUTOCOMMIT, safe_mode=RunMode.AUTOCOMMIT),
    "identifier-too-long": Example(
        'ALTER TABLE "orders" ADD CONSTRAINT\n'
        '  "orders_customer_id_customers_id_billing_address_id_shipping_address_fk_check"'
        ' CHECK ("customer_id" > 0) NOT VALID;',
        ('ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_positive" CHECK ("customer_id" > 0) NOT VALID;',)),
    "duplicate-column-assignment": Example(
        "UPDATE \"users\" SET \"plan\" = 'free', \"plan\" = 'pro' WHERE \"id\" = 1;",
        ("UPDATE \"users\" SET \"plan\" = 'pro' WHERE \"id\" = 1;",)),
    "syntax-error": Example('ALTER TABLE "users" ADD COLUMN "age" integr NOT NULL DEFAULT;',
                            ('ALTER TABLE "users" ADD COLUMN "age" integer NOT NULL DEFAULT 0;',)),
    "nul-byte": Example('ALTER TABLE "users" ADD COLUMN "bio" text;\x00',
                        ('ALTER TABLE "users" ADD COLUMN "bio" text;',)),
    "partitioned-index-concurrently": Example(
        'CREATE INDEX CONCURRENTLY "events_at_idx" ON "events" ("at");',
        ('CREATE INDEX "events_at_idx" ON ONLY "events" ("at");',
         'CREATE INDEX CONCURRENTLY "events_2026_at_idx" ON "events_2026" ("at");\n--> statement-breakpoint\n'
         'ALTER INDEX "events_at_idx" ATTACH PARTITION "events_2026_at_idx";'),
        before='CREATE TABLE "events" ("id" bigint, "at" date) PARTITION BY RANGE ("at");\n'
               'CREATE TABLE "events_2026" PARTITION OF "events"\n'
               "  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"),
    "snapshot-mismatch": Example(
        'ALTER TABLE "users" ADD COLUMN "bio" text;\n--> statement-breakpoint\n'
        'CREATE INDEX "users_bio_idx" ON "users" ("bio");',
        ('ALTER TABLE "users" ADD COLUMN "bio" text;',),
        snapshot='ALTER TABLE "users" ADD COLUMN "bio" text;'),
    # advisory
    "missing-lock-timeout": Example('ALTER TABLE "users" ADD COLUMN "bio" text;',
                                    ("SET lock_timeout = '5s';\n--> statement-breakpoint\n"
                                     'ALTER TABLE "users" ADD COLUMN "bio" text;',)),
    "missing-statement-timeout": Example('ALTER TABLE "users" ADD COLUMN "bio" text;',
                                         ("SET statement_timeout = '30s';\n--> statement-breakpoint\n"
                                          'ALTER TABLE "users" ADD COLUMN "bio" text;',)),
    "non-idempotent-without-transaction": Example('CREATE TABLE "tags" ("id" bigint PRIMARY KEY);',
                                                  ('CREATE TABLE IF NOT EXISTS "tags" ("id" bigint PRIMARY KEY);',),
                                                  mode=RunMode.AUTOCOMMIT),
    "unique-index-data-dependent": Example(
        'CREATE UNIQUE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");', _ack(
            "unique-index-data-dependent", "checked: SELECT email FROM users GROUP BY email HAVING count(*) > 1 "
            "returns no row", 'CREATE UNIQUE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email");')),
    "enum-add-value-unordered": Example('ALTER TYPE "status" ADD VALUE \'archived\';',
                                        ('ALTER TYPE "status" ADD VALUE \'archived\' AFTER \'done\';',)),
    "enable-rls": Example(
        'ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;', (
            'CREATE POLICY "notes_owner" ON "notes" USING ("owner_id" = current_setting(\'app.user_id\')::bigint);'
            '\n--> statement-breakpoint\n-- the policy above lets the application role see its rows\n'
            '-- neontui-ignore enable-rls\nALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;',)),
    "json-column": Example('CREATE TABLE "events" ("id" bigint PRIMARY KEY, "payload" json);',
                           ('CREATE TABLE "events" ("id" bigint PRIMARY KEY, "payload" jsonb);',)),
    "prefer-bigint": Example('CREATE TABLE "tags" ("id" integer PRIMARY KEY);',
                             ('CREATE TABLE "tags" ("id" bigint PRIMARY KEY);',)),
    "prefer-identity": Example('CREATE TABLE "tags" ("id" bigserial PRIMARY KEY);',
                               ('CREATE TABLE "tags" ("id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);',)),
    "prefer-text-field": Example('CREATE TABLE "tags" ("id" bigint PRIMARY KEY, "name" varchar(50));',
                                 ('CREATE TABLE "tags" ("id" bigint PRIMARY KEY, "name" text '
                                  'CHECK (length("name") <= 50));',)),
    "prefer-timestamptz": Example('CREATE TABLE "events" ("id" bigint PRIMARY KEY, "at" timestamp);',
                                  ('CREATE TABLE "events" ("id" bigint PRIMARY KEY, "at" timestamptz);',)),
    "ban-char-field": Example('CREATE TABLE "countries" ("code" char(2) PRIMARY KEY);',
                              ('CREATE TABLE "countries" ("code" text PRIMARY KEY CHECK (length("code") = 2));',)),
    "create-enum-type": Example("CREATE TYPE \"status\" AS ENUM ('open', 'done');",
                                ('CREATE TABLE "statuses" ("name" text PRIMARY KEY);',)),
    "column-alignment": Example('CREATE TABLE "events" ("active" boolean, "id" bigint PRIMARY KEY);',
                                ('CREATE TABLE "events" ("id" bigint PRIMARY KEY, "active" boolean);',)),
    "index-too-many-columns": Example(
        'CREATE INDEX CONCURRENTLY "orders_search_idx" ON "orders" ("customer_id", "status", "country", "created_at");',
        ('CREATE INDEX CONCURRENTLY "orders_customer_status_idx" ON "orders" ("customer_id", "status");',)),
    "require-table-schema": Example('CREATE TABLE "tags" ("id" bigint PRIMARY KEY);',
                                    ('CREATE TABLE "public"."tags" ("id" bigint PRIMARY KEY);',)),
}
