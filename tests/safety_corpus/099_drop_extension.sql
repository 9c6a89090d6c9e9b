-- expect: drop-extension@0
DROP EXTENSION "pg_trgm";