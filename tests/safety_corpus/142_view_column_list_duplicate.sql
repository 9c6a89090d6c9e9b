-- expect: duplicate-column-assignment@0 duplicate-column-assignment@1
CREATE VIEW "order_totals" ("id", "id") AS SELECT "id", "total" FROM "orders";--> statement-breakpoint
CREATE VIEW "order_names" ("name") AS SELECT "id", "name" FROM "orders";
