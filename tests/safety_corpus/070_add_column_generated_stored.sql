-- expect: add-column-generated-stored@0
ALTER TABLE "orders" ADD COLUMN "total_cents" integer GENERATED ALWAYS AS ("total" * 100) STORED;