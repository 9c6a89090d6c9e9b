-- expect: domain-constraint@0
ALTER DOMAIN "email" ADD CONSTRAINT "email_has_at" CHECK (VALUE LIKE '%@%');