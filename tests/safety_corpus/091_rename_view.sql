-- expect: rename-other-object@0
ALTER VIEW "active_users" RENAME TO "live_users";