-- expect: drop-not-null@0
ALTER TABLE "users" ALTER COLUMN "name" DROP NOT NULL;