-- expect: (none)
UPDATE "shapes" SET "origin".x = 1, "origin".y = 2 WHERE "id" = 1;--> statement-breakpoint
UPDATE "shapes" SET "tags"[1] = 'a', "tags"[2] = 'b' WHERE "id" = 1;--> statement-breakpoint
UPDATE "shapes" SET "origin".x = 1, "origin".x = 2 WHERE "id" = 1;--> statement-breakpoint
UPDATE "shapes" SET "tags"[1] = 'a', "tags"[1] = 'b' WHERE "id" = 1;--> statement-breakpoint
MERGE INTO "shapes" USING "imports" ON "shapes"."id" = "imports"."id"
WHEN MATCHED THEN UPDATE SET "origin".x = 1, "origin".y = 2;--> statement-breakpoint
INSERT INTO "shapes" ("id", "origin") VALUES (1, ROW(0, 0)) ON CONFLICT ("id") DO UPDATE SET "origin".x = 1, "origin".y = 2;
