-- expect: (none)
CREATE TABLE "t" ("a" text);--> statement-breakpoint
ALTER TABLE "t" ALTER COLUMN "a" SET NOT NULL;