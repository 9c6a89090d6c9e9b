-- expect: duplicate-column-assignment@1
ALTER TABLE "users" ADD COLUMN "nickname" text, ADD COLUMN IF NOT EXISTS "nickname" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "bio" text, ADD COLUMN "bio" text;
