-- expect: duplicate-column-assignment@0 duplicate-column-assignment@1
SELECT "id", "id" INTO "users_copy" FROM "users";--> statement-breakpoint
CREATE TABLE "pairs_copy" AS SELECT 1, 2;
