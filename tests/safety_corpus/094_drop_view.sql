-- expect: drop-view@0
DROP VIEW "active_users";