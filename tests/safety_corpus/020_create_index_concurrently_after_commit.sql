-- expect: transaction-control-in-migration@0
COMMIT;--> statement-breakpoint
CREATE INDEX CONCURRENTLY "orders_user_idx" ON "orders" USING btree ("user_id");