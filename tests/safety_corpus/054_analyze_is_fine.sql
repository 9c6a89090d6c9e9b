-- expect: (none)
ANALYZE "orders";