-- expect: add-column-volatile-default@0
ALTER TABLE "events" ADD COLUMN "public_id" uuid DEFAULT gen_random_uuid() NOT NULL;