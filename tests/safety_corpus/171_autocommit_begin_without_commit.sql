-- expect: uncommitted-transaction@0
-- mode: autocommit
BEGIN;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text;
