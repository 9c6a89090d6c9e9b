-- expect: add-unique-constraint@0
ALTER TABLE "users" ADD CONSTRAINT "users_email_unique" UNIQUE("email");