-- expect: (none)
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY, "email" text);
DROP INDEX IF EXISTS "users_email_idx";
