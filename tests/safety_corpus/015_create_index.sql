-- expect: create-index-non-concurrent@0
CREATE INDEX "orders_created_at_idx" ON "orders" USING btree ("created_at");