-- expect: create-index-non-concurrent@0
CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree ("email");