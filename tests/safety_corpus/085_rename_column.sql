-- expect: rename-column@0
ALTER TABLE "users" RENAME COLUMN "email" TO "email_address";