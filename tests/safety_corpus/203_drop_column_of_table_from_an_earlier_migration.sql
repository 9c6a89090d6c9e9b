-- expect: drop-column@0
-- before: CREATE TABLE "accounts" ("id" integer PRIMARY KEY, "legacy_token" text);
ALTER TABLE "accounts" DROP COLUMN "legacy_token";
