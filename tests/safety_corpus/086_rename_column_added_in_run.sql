-- expect: (none)
ALTER TABLE "users" ADD COLUMN "nick" text;--> statement-breakpoint
ALTER TABLE "users" RENAME COLUMN "nick" TO "nickname";