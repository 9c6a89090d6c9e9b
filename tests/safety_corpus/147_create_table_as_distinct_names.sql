-- expect: (none)
SELECT "id", "email" INTO "users_copy" FROM "users";--> statement-breakpoint
CREATE TABLE "pairs_copy" ("a", "b") AS SELECT 1, 2;--> statement-breakpoint
SELECT 1 AS "x", 2 AS "x";
