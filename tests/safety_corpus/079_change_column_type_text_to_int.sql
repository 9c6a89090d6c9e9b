-- expect: change-column-type@0
-- column: public.users.age text
ALTER TABLE "users" ALTER COLUMN "age" SET DATA TYPE integer USING "age"::integer;