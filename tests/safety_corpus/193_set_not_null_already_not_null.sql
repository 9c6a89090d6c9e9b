-- expect: (none)
-- before: CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text NOT NULL);
ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;
