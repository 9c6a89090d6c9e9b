-- expect: snapshot-mismatch@0
-- mode: planned
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY, "email" text);
-- snapshot-says: ALTER TABLE "users" ADD COLUMN "bio" text;
ALTER TABLE "users" ADD COLUMN "bio" text;--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON "users" ("email");
