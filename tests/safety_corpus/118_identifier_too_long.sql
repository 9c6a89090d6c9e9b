-- expect: identifier-too-long@1
CREATE TABLE "subscription_invoice_items" ("billing_account_id" integer);--> statement-breakpoint
ALTER TABLE "subscription_invoice_items" ADD CONSTRAINT "subscription_invoice_items_billing_account_id_billing_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."billing_accounts"("id");