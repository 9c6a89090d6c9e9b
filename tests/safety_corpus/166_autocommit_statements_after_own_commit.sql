-- expect: drop-column@3 non-idempotent-without-transaction@3 non-idempotent-without-transaction@1
-- known-miss: non-idempotent-without-transaction@1
-- (the block committed; when statement 3 fails the retry re-runs it, and its ADD COLUMN fails: the engine
-- only knows that a failure inside the block rolls the block back)
-- mode: autocommit
-- enable: non-idempotent-without-transaction
BEGIN;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text;--> statement-breakpoint
COMMIT;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "legacy_id";--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON "users" ("email");
