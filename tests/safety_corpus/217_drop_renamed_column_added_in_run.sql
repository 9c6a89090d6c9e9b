-- expect: (none)
ALTER TABLE "project" ADD COLUMN "draft" text;--> statement-breakpoint
ALTER TABLE "project" RENAME COLUMN "draft" TO "note";--> statement-breakpoint
ALTER TABLE "project" DROP COLUMN "note";
