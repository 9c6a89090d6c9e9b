-- expect: (none)
-- ALTER TABLE "users" DROP COLUMN "legacy_id";
SELECT 1;