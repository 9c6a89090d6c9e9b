-- expect: syntax-error@0 syntax-error@1
CREATE FUNCTION "f"() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();--> statement-breakpoint
  RETURN NEW;
END $$ LANGUAGE plpgsql;