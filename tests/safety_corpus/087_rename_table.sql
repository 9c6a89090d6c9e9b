-- expect: rename-table@0
ALTER TABLE "customers" RENAME TO "clients";