-- expect: (none)
CREATE FOREIGN TABLE "remote_users" ("id" integer, "email" text) SERVER "legacy";
