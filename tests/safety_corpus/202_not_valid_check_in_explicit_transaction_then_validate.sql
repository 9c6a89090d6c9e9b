-- expect: (none)
-- mode: planned
BEGIN;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_note_not_null_chk" CHECK ("note" IS NOT NULL) NOT VALID;--> statement-breakpoint
COMMIT;--> statement-breakpoint
ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_note_not_null_chk";--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;
