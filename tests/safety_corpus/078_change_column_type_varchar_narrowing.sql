-- expect: change-column-type@0
-- before: CREATE TABLE "users" ("name" varchar(200));
ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE varchar(50);