-- expect: drop-domain@0
DROP DOMAIN "email";