-- expect: alter-identity@0
ALTER TABLE "users" ALTER COLUMN "id" SET GENERATED ALWAYS;