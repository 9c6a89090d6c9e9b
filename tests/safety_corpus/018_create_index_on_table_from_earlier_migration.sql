-- expect: (none)
CREATE TABLE "events" ("id" integer, "kind" text);
-- migration: 0001_index
CREATE INDEX "events_kind_idx" ON "events" USING btree ("kind");