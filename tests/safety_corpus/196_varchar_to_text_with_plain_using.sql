-- expect: (none)
-- before: CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(64));
ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE text USING "slug"::text;
