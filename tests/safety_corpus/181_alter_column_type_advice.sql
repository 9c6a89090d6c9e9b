-- expect: change-column-type@0 change-column-type@1 prefer-text-field@0 prefer-timestamptz@1
-- enable: prefer-text-field prefer-timestamptz ban-char-field json-column
ALTER TABLE "users" ALTER COLUMN "name" SET DATA TYPE varchar(200);--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "at" SET DATA TYPE timestamp(3);
