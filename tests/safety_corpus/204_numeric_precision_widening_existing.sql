-- expect: (none)
-- before: CREATE TABLE "invoices" ("id" integer PRIMARY KEY, "total" numeric(10, 2));
ALTER TABLE "invoices" ALTER COLUMN "total" SET DATA TYPE numeric(14, 2);
