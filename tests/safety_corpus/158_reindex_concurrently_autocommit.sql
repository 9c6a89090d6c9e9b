-- expect: (none)
-- mode: autocommit
REINDEX DATABASE CONCURRENTLY "app";--> statement-breakpoint
REINDEX SCHEMA CONCURRENTLY "public";--> statement-breakpoint
REINDEX (CONCURRENTLY) TABLE "orders";--> statement-breakpoint
REINDEX (CONCURRENTLY on) INDEX "orders_created_at_idx";
