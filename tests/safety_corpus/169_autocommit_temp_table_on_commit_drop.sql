-- expect: (none)
-- mode: autocommit
-- enable: non-idempotent-without-transaction
CREATE TEMPORARY TABLE "import_batch" ("id" bigint PRIMARY KEY) ON COMMIT DROP;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
