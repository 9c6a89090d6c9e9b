-- expect: (none)
-- neontui-ignore-file: create-index-non-concurrent
CREATE INDEX "a_idx" ON "orders" ("a");--> statement-breakpoint
CREATE INDEX "b_idx" ON "orders" ("b");