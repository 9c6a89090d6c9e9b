-- expect: set-not-null@0
ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;