-- expect: (none)
ALTER TABLE "orders" ADD COLUMN "total_cents" integer GENERATED ALWAYS AS ("total" * 100) VIRTUAL;