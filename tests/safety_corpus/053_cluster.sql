-- expect: vacuum-full-or-cluster@0
CLUSTER "orders" USING "orders_pkey";