-- expect: drop-index-non-concurrent@0
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY, "email" text);
-- before: CREATE INDEX "users_email_idx" ON "users" ("email");
DROP INDEX IF EXISTS "users_email_idx";
