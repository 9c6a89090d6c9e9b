-- expect: (none)
-- mode: autocommit
-- enable: non-idempotent-without-transaction
CREATE INDEX CONCURRENTLY ON "orders" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
