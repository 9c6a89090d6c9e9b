-- expect: (none)
INSERT INTO "shapes" ("id", "origin".x, "origin".y) VALUES (1, 0, 0);--> statement-breakpoint
INSERT INTO "shapes" ("id", "tags"[1], "tags"[2]) VALUES (2, 'a', 'b');--> statement-breakpoint
MERGE INTO "shapes" USING "imports" ON "shapes"."id" = "imports"."id"
WHEN NOT MATCHED THEN INSERT ("id", "origin".x, "origin".y) VALUES ("imports"."id", 0, 0);
