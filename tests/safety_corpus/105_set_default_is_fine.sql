-- expect: (none)
ALTER TABLE "users" ALTER COLUMN "status" SET DEFAULT 'active';