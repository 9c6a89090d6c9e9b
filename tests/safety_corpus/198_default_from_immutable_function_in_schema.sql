-- expect: (none)
-- snapshot: no (drizzle's snapshots do not describe functions)
-- before: CREATE FUNCTION "empty_settings"() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$ SELECT '{}'::jsonb $$;
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY);
ALTER TABLE "users" ADD COLUMN "settings" jsonb DEFAULT empty_settings() NOT NULL;
