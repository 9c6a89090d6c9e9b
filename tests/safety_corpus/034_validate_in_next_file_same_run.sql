-- expect: validate-constraint-same-transaction@0001_validate#0
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") NOT VALID;
-- migration: 0001_validate
ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_user_fk";