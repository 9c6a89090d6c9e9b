-- expect: create-index-non-concurrent@0
CREATE INDEX "tmp_idx" ON "orders" ("id");--> statement-breakpoint
DROP INDEX "tmp_idx";