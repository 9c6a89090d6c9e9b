-- expect: vacuum-full-or-cluster@0 vacuum-full-or-cluster@1 vacuum-full-or-cluster@2 vacuum-full-or-cluster@3 vacuum-full-or-cluster@4
-- mode: autocommit
VACUUM (FULL) "orders";--> statement-breakpoint
VACUUM (FULL TRUE) "orders";--> statement-breakpoint
VACUUM (FULL 1) "orders";--> statement-breakpoint
VACUUM (FULL on, ANALYZE) "orders";--> statement-breakpoint
VACUUM (FULL FALSE, FULL 'True') "orders";
