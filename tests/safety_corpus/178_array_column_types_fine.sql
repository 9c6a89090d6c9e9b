-- expect: (none)
-- enable: prefer-text-field prefer-timestamptz ban-char-field json-column
CREATE TABLE "posts" ("id" bigint PRIMARY KEY, "tags" text[], "seen_at" timestamptz[], "codes" text[],
  "meta" jsonb[], "names" varchar[]);
