-- expect: (none)
ALTER TABLE "orders" ADD CONSTRAINT "orders_tmp_check" CHECK ("id" > 0) NOT VALID;--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_tmp_check";