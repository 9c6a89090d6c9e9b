-- expect: create-index-non-concurrent@0 drop-column@0
CREATE INDEX "a_idx" ON "orders" ("a");
ALTER TABLE "orders" DROP COLUMN "b";