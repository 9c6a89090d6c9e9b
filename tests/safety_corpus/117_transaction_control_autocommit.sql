-- expect: (none)
-- mode: autocommit
BEGIN;
ALTER TABLE IF EXISTS "users" ADD COLUMN IF NOT EXISTS "x" text;
COMMIT;