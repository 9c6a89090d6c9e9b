-- expect: add-column-volatile-default@0
-- pg: 10
ALTER TABLE "users" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;