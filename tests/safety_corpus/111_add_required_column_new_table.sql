-- expect: (none)
CREATE TABLE "t" ("id" integer);--> statement-breakpoint
ALTER TABLE "t" ADD COLUMN "name" text NOT NULL;