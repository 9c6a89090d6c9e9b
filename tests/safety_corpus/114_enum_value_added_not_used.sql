-- expect: (none)
ALTER TYPE "public"."status" ADD VALUE 'archived' BEFORE 'deleted';