-- expect: (none)
-- mode: autocommit
CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_user_idx" ON "orders" USING btree ("user_id");