-- expect: drop-generated-expression@0
ALTER TABLE "orders" ALTER COLUMN "total_cents" DROP EXPRESSION;