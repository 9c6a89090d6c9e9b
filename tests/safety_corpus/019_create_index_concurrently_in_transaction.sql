-- expect: cannot-run-in-transaction@0
CREATE INDEX CONCURRENTLY "orders_user_idx" ON "orders" USING btree ("user_id");