-- expect: drop-function@0
DROP FUNCTION "touch_updated_at"();