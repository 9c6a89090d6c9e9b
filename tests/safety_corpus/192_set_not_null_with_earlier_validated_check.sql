-- expect: (none)
-- before: CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text, CONSTRAINT "orders_note_chk" CHECK ("note" IS NOT NULL));
ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;
