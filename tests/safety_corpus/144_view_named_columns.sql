-- expect: (none)
CREATE VIEW "constants" AS SELECT 1 AS "one", 2 AS "two";--> statement-breakpoint
CREATE VIEW "renamed" ("first") AS SELECT 1 AS "n", 2 AS "n2";--> statement-breakpoint
CREATE VIEW "relabelled" ("a", "b") AS SELECT 1 AS "x", 2 AS "x";--> statement-breakpoint
CREATE VIEW "cased" AS SELECT 1 AS "Id", 2 AS "id";--> statement-breakpoint
CREATE VIEW "both" AS SELECT 1 AS "x" UNION SELECT 2 AS "x";--> statement-breakpoint
CREATE VIEW "cast" AS SELECT '1'::integer, 2;
