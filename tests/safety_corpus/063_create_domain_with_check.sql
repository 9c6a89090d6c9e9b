-- expect: domain-constraint@0
CREATE DOMAIN "positive_int" AS integer CHECK (VALUE > 0);