-- expect: (none)
CREATE TABLE "tags" ("id" integer, "slug" text);--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_slug_unique" UNIQUE("slug");