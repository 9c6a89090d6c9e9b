-- expect: cannot-run-in-transaction@0 reindex-non-concurrent@0 cannot-run-in-transaction@1 reindex-non-concurrent@1
REINDEX SCHEMA "public";--> statement-breakpoint
REINDEX DATABASE "app";
