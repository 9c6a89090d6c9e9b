-- expect: change-column-type@0
ALTER TABLE "orders" ALTER COLUMN "quantity" SET DATA TYPE bigint;