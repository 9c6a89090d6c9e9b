-- expect: set-not-null@0
-- before: CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text, "memo" text, CONSTRAINT "orders_memo_chk" CHECK ("memo" IS NOT NULL));
ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;
