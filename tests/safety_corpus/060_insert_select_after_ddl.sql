-- expect: backfill-in-migration-transaction@1
ALTER TABLE "archive" ADD COLUMN "moved_at" timestamptz;--> statement-breakpoint
INSERT INTO "archive" ("id", "moved_at") SELECT "id", now() FROM "orders" WHERE "done";