-- expect: drop-database@0 cannot-run-in-transaction@0
DROP DATABASE "old_app";