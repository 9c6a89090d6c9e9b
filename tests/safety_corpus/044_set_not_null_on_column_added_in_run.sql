-- expect: set-not-null@1
ALTER TABLE "users" ADD COLUMN "plan" text;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "plan" SET NOT NULL;