-- expect: drop-column@0 non-idempotent-without-transaction@0
-- mode: autocommit
-- enable: non-idempotent-without-transaction
ALTER TABLE "users" DROP COLUMN "legacy_id";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
