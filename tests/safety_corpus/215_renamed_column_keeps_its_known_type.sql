-- expect: rename-column@0
-- before: CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(64));
ALTER TABLE "posts" RENAME COLUMN "slug" TO "handle";--> statement-breakpoint
ALTER TABLE "posts" ALTER COLUMN "handle" SET DATA TYPE varchar(128);
