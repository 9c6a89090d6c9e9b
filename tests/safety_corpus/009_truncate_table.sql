-- expect: truncate-table@0
TRUNCATE "sessions";