-- expect: drop-column@1 drop-constraint@3
-- mode: autocommit
-- enable: non-idempotent-without-transaction
BEGIN;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "legacy_id";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text;--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_users_id_fk";--> statement-breakpoint
CREATE TABLE "tags" ("id" bigint PRIMARY KEY);--> statement-breakpoint
COMMIT;
