-- expect: drop-index-non-concurrent@0
DROP INDEX "orders_created_at_idx";