-- expect: duplicate-column-assignment@0
INSERT INTO "settings" ("key", "value") VALUES ('theme', 'dark')
ON CONFLICT ("key") DO UPDATE SET "value" = 'dark', "value" = EXCLUDED."value";
