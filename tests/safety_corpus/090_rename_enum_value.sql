-- expect: rename-other-object@0
ALTER TYPE "public"."role" RENAME VALUE 'admin' TO 'owner';