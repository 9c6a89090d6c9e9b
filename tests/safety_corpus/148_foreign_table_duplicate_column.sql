-- expect: duplicate-column-assignment@0 duplicate-column-assignment@1
CREATE FOREIGN TABLE "remote_users" ("id" integer, "id" text) SERVER "legacy";--> statement-breakpoint
CREATE TYPE "point2" AS ("x" integer, "x" integer);
