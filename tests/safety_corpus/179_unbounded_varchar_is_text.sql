-- expect: (none)
-- enable: prefer-text-field prefer-timestamptz ban-char-field json-column
CREATE TABLE "notes" ("id" bigint PRIMARY KEY, "body" varchar, "title" character varying);--> statement-breakpoint
ALTER TABLE "notes" ADD COLUMN "summary" varchar;
