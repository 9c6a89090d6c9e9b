-- expect: duplicate-column-assignment@0
CREATE TABLE "t" ("a" integer, "a" text);