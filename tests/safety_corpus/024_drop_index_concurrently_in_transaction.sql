-- expect: cannot-run-in-transaction@0
DROP INDEX CONCURRENTLY "orders_created_at_idx";