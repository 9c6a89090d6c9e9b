-- expect: (none)
CREATE FUNCTION "purge_sessions"() RETURNS void AS $$
  DELETE FROM sessions;
$$ LANGUAGE sql;