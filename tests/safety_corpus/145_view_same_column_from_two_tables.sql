-- expect: duplicate-column-assignment@0 duplicate-column-assignment@1
CREATE VIEW "user_orders" AS SELECT "users"."id", "orders"."id" FROM "users" JOIN "orders" ON "orders"."user_id" = "users"."id";--> statement-breakpoint
CREATE VIEW "everything" AS SELECT 1 AS "x", 2 AS "x" UNION SELECT 3, 4;
