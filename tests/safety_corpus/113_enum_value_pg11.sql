-- expect: enum-add-value-in-transaction@0
-- pg: 11
ALTER TYPE "public"."status" ADD VALUE 'archived' BEFORE 'deleted';