-- expect: duplicate-column-assignment@0
MERGE INTO "accounts" USING "imports" ON "accounts"."id" = "imports"."id"
WHEN MATCHED THEN UPDATE SET "balance" = 0, "balance" = "imports"."balance";
