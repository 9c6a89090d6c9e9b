-- expect: drop-index-non-concurrent@0
DROP INDEX IF EXISTS "users_email_idx";
