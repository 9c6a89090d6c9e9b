-- expect: cannot-run-in-transaction@0 vacuum-full-or-cluster@0
VACUUM FULL "orders";