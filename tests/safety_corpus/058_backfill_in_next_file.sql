-- expect: backfill-in-migration-transaction@0001_backfill#0
ALTER TABLE "users" ADD COLUMN "status" text;
-- migration: 0001_backfill
UPDATE "users" SET "status" = 'active' WHERE "status" IS NULL;