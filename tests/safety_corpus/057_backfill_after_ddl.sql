-- expect: backfill-in-migration-transaction@1
ALTER TABLE "users" ADD COLUMN "status" text;--> statement-breakpoint
UPDATE "users" SET "status" = 'active';