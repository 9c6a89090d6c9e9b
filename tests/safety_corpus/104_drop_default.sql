-- expect: drop-default@0
ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT;