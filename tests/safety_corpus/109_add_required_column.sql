-- expect: add-column-required-no-default@0
ALTER TABLE "users" ADD COLUMN "billing_email" text NOT NULL;