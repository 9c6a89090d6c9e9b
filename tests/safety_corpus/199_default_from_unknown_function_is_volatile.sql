-- expect: add-column-volatile-default@0
ALTER TABLE "users" ADD COLUMN "public_id" uuid DEFAULT uuid() NOT NULL;
