-- expect: (none)
-- before: CREATE TABLE "posts" ("id" integer PRIMARY KEY, "slug" varchar(64) NOT NULL);
-- before: CREATE UNIQUE INDEX "posts_slug_idx" ON "posts" ("slug");
ALTER TABLE "posts" ALTER COLUMN "slug" SET DATA TYPE varchar(128);
