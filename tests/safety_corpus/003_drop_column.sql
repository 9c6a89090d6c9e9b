-- expect: drop-column@0
ALTER TABLE "users" DROP COLUMN "legacy_id";