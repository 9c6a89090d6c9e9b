-- expect: (none)
-- before: CREATE TABLE "events" ("at" timestamp);
ALTER TABLE "events" ALTER COLUMN "at" SET DATA TYPE timestamp with time zone;