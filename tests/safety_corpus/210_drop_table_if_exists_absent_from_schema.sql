-- expect: (none)
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY);
DROP TABLE IF EXISTS "import_staging";
