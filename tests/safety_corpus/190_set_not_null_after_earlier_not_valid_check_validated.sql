-- expect: (none)
-- before: CREATE TABLE "orders" ("id" integer PRIMARY KEY, "note" text);
-- before: ALTER TABLE "orders" ADD CONSTRAINT "orders_note_not_null_chk" CHECK ("note" IS NOT NULL) NOT VALID;
ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_note_not_null_chk";--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;
