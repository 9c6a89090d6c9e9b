-- expect: add-column-volatile-default@0
-- before: CREATE FUNCTION "next_code"() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
-- before: CREATE TABLE "users" ("id" integer PRIMARY KEY);
ALTER TABLE "users" ADD COLUMN "code" text DEFAULT next_code();
