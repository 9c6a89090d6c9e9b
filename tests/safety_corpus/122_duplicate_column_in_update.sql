-- expect: duplicate-column-assignment@0
UPDATE "users" SET "name" = 'a', "name" = 'b' WHERE "id" = 1;