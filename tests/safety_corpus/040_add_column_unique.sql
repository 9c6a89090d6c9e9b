-- expect: add-unique-constraint@0
ALTER TABLE "projects" ADD COLUMN "slug" text UNIQUE;