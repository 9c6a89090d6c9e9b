-- expect: reindex-non-concurrent@0
REINDEX INDEX "orders_created_at_idx";