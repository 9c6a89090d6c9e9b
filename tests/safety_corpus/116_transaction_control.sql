-- expect: transaction-control-in-migration@0 transaction-control-in-migration@2
BEGIN;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "x" text;--> statement-breakpoint
COMMIT;