-- expect: non-idempotent-without-transaction@0
-- mode: autocommit
-- enable: non-idempotent-without-transaction
CREATE TABLE "import_batch" ("id" bigint PRIMARY KEY);--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
