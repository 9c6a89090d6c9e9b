-- expect: (none)
CREATE TABLE "t" ("a" integer);--> statement-breakpoint
ALTER TABLE "t" ALTER COLUMN "a" SET DATA TYPE bigint;