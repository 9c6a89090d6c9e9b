-- expect: drop-constraint@0 non-idempotent-without-transaction@0
-- mode: autocommit
-- enable: non-idempotent-without-transaction
ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
