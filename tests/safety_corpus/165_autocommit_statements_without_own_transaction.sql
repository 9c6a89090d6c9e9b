-- expect: drop-column@0 drop-constraint@2
-- expect: non-idempotent-without-transaction@0 non-idempotent-without-transaction@1
-- expect: non-idempotent-without-transaction@2 non-idempotent-without-transaction@3
-- mode: autocommit
-- enable: non-idempotent-without-transaction
ALTER TABLE "users" DROP COLUMN "legacy_id";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text;--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_users_id_fk";--> statement-breakpoint
CREATE TABLE "tags" ("id" bigint PRIMARY KEY);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "tags_id_idx" ON "tags" ("id");
