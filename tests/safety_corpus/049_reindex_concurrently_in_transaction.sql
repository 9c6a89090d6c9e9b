-- expect: cannot-run-in-transaction@0
REINDEX INDEX CONCURRENTLY "orders_created_at_idx";