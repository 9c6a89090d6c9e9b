-- expect: (none)
DROP VIEW "active_users";--> statement-breakpoint
CREATE VIEW "active_users" AS SELECT * FROM "users" WHERE "active";