-- expect: delete-without-where@0
-- known-miss: delete-without-where@0
DO $$ BEGIN
  EXECUTE 'DELETE FROM sessions';
END $$;