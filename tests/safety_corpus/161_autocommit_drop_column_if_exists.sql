-- expect: drop-column@0
-- mode: autocommit
-- enable: non-idempotent-without-transaction
ALTER TABLE "users" DROP COLUMN IF EXISTS "legacy_id";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
