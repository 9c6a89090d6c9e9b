-- expect: change-column-type@0 change-column-type@1
-- enable: prefer-text-field prefer-timestamptz ban-char-field json-column
ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "at" SET DATA TYPE timestamp(3) with time zone;
