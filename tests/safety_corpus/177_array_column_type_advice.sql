-- expect: prefer-text-field@0 prefer-timestamptz@0 ban-char-field@0 json-column@0
-- enable: prefer-text-field prefer-timestamptz ban-char-field json-column
CREATE TABLE "posts" ("id" bigint PRIMARY KEY, "tags" varchar(100)[], "seen_at" timestamp[], "codes" char(2)[],
  "meta" json[]);
