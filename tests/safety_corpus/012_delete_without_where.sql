-- expect: delete-without-where@0
DELETE FROM "sessions";