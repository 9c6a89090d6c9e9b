-- expect: reindex-non-concurrent@0 reindex-non-concurrent@1
-- mode: autocommit
REINDEX SYSTEM "app";--> statement-breakpoint
REINDEX TABLE "pg_catalog"."pg_class";
