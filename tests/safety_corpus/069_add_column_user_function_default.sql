-- expect: add-column-volatile-default@0
ALTER TABLE "links" ADD COLUMN "slug" text DEFAULT make_random_slug() NOT NULL;