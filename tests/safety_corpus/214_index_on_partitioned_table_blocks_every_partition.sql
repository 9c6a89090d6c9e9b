-- expect: create-index-non-concurrent@0
-- snapshot: no (drizzle's snapshots do not describe partitioning)
-- before: CREATE TABLE "events" ("id" bigint, "at" date) PARTITION BY RANGE ("at");
CREATE INDEX "events_at_idx" ON "events" ("at");
