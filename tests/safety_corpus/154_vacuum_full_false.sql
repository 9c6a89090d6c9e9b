-- expect: (none)
-- mode: autocommit
VACUUM (FULL FALSE) "orders";--> statement-breakpoint
VACUUM (FULL 0, ANALYZE) "orders";--> statement-breakpoint
VACUUM (FULL off) "orders";--> statement-breakpoint
VACUUM (FULL TRUE, FULL FALSE) "orders";
