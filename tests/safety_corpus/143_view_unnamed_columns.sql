-- expect: duplicate-column-assignment@0 duplicate-column-assignment@1 duplicate-column-assignment@2
CREATE VIEW "constants" AS SELECT 1, 2;--> statement-breakpoint
CREATE VIEW "sums" AS SELECT "a" + 1, "b" + 1 FROM "pairs";--> statement-breakpoint
CREATE MATERIALIZED VIEW "counts" AS SELECT count(*), count("email") FROM "users";
