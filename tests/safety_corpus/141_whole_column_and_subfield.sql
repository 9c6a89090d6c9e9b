-- expect: duplicate-column-assignment@0 duplicate-column-assignment@1
UPDATE "shapes" SET "origin" = ROW(0, 0), "origin".x = 1 WHERE "id" = 1;--> statement-breakpoint
INSERT INTO "shapes" ("id", "origin".x, "origin") VALUES (1, 0, ROW(0, 0));
