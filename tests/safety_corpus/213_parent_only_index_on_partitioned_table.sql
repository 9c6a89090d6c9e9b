-- expect: (none)
-- mode: planned
-- snapshot: no (drizzle's snapshots do not describe partitioning)
-- before: CREATE TABLE "events" ("id" bigint, "at" date) PARTITION BY RANGE ("at");
-- before: CREATE TABLE "events_2026" PARTITION OF "events" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX "events_at_idx" ON ONLY "events" ("at");--> statement-breakpoint
CREATE INDEX CONCURRENTLY "events_2026_at_idx" ON "events_2026" ("at");--> statement-breakpoint
ALTER INDEX "events_at_idx" ATTACH PARTITION "events_2026_at_idx";
