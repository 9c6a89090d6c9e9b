-- expect: prefer-text-field@0
-- enable: prefer-text-field prefer-timestamptz ban-char-field json-column
ALTER TABLE "users" ADD COLUMN "aliases" varchar(64)[];
