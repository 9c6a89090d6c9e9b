-- expect: (none)
-- mode: autocommit
ALTER TABLE IF EXISTS "users" ADD COLUMN IF NOT EXISTS "bio" text;--> statement-breakpoint
ROLLBACK;
