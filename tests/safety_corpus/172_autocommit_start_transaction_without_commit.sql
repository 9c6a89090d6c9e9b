-- expect: uncommitted-transaction@0
-- mode: autocommit
START TRANSACTION;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "tags" ("id" bigint PRIMARY KEY);
