-- expect: reindex-non-concurrent@0
REINDEX (CONCURRENTLY FALSE) INDEX "orders_created_at_idx";
