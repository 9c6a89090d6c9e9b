-- expect: change-column-type@0
-- before: CREATE TABLE "users" ("age" text);
ALTER TABLE "users" ALTER COLUMN "age" SET DATA TYPE integer USING "age"::integer;