-- expect: truncate-cascade@0
TRUNCATE "users" CASCADE;