-- expect: uncommitted-transaction@3
-- mode: autocommit
BEGIN;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "tags" ("id" bigint PRIMARY KEY);--> statement-breakpoint
COMMIT;--> statement-breakpoint
BEGIN;--> statement-breakpoint
ALTER TABLE "tags" ADD COLUMN IF NOT EXISTS "name" text;
