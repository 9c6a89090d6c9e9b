-- expect: change-column-type@0
-- before: CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(128));
ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE varchar(64);
