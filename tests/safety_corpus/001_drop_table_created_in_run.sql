-- expect: (none)
CREATE TABLE "tmp_import" ("id" integer);
--> statement-breakpoint
DROP TABLE "tmp_import";