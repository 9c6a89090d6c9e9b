-- expect: drop-type@0
DROP TYPE "public"."mood";