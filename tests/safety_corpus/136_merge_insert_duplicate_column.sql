-- expect: duplicate-column-assignment@0
MERGE INTO "accounts" USING "imports" ON "accounts"."id" = "imports"."id"
WHEN NOT MATCHED THEN INSERT ("balance", "balance") VALUES (0, "imports"."balance");
