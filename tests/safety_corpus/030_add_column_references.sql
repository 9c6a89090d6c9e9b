-- expect: add-foreign-key-validating@0
ALTER TABLE "orders" ADD COLUMN "coupon_id" integer REFERENCES "coupons"("id");