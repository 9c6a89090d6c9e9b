-- expect: set-schema@0
ALTER TABLE "audit" SET SCHEMA "archive";