-- expect: (none)
ALTER TABLE "users" ADD COLUMN "tmp" text;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "tmp";