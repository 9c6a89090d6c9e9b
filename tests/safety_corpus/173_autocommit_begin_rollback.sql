-- expect: uncommitted-transaction@2
-- mode: autocommit
BEGIN;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "tags" ("id" bigint PRIMARY KEY);--> statement-breakpoint
ROLLBACK;
