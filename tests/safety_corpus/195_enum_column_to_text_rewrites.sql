-- expect: change-column-type@0
-- before: CREATE TYPE "status" AS ENUM ('active', 'archived');
-- before: CREATE TABLE "projects" ("id" integer PRIMARY KEY, "status" "status" NOT NULL);
ALTER TABLE "projects" ALTER COLUMN "status" SET DATA TYPE text;
