-- expect: (none)
-- mode: autocommit
ALTER TABLE IF EXISTS "users" ADD COLUMN IF NOT EXISTS "status" text;--> statement-breakpoint
UPDATE "users" SET "status" = 'active';