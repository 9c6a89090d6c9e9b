-- expect: enum-add-value-in-transaction@1
ALTER TYPE "public"."status" ADD VALUE 'archived';--> statement-breakpoint
UPDATE "posts" SET "status" = 'archived' WHERE "deleted";