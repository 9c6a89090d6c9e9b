-- expect: set-not-null@0
-- snapshot: no (drizzle's snapshots cannot say a CHECK is NOT VALID)
-- before: CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text);
-- before: ALTER TABLE "orders" ADD CONSTRAINT "orders_note_not_null_chk" CHECK ("note" IS NOT NULL) NOT VALID;
ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;
