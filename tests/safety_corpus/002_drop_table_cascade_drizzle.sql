-- expect: drop-table@0
DROP TABLE "invoices" CASCADE;