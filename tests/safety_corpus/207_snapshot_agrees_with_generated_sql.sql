-- expect: (none)
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY, "email" text);
-- snapshot-says: ALTER TABLE "users" ADD COLUMN "bio" text;
ALTER TABLE "users" ADD COLUMN "bio" text;
