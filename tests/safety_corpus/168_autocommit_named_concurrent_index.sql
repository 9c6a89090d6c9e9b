-- expect: non-idempotent-without-transaction@0
-- mode: autocommit
-- enable: non-idempotent-without-transaction
CREATE INDEX CONCURRENTLY "orders_user_idx" ON "orders" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
