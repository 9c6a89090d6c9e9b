-- expect: (none)
-- before: CREATE TABLE "users" ("name" varchar(50));
ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE varchar(200);