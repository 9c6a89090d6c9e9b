-- expect: drop-schema@0
DROP SCHEMA "legacy" CASCADE;