-- expect: cannot-run-in-transaction@0
ALTER TABLE "measurements" DETACH PARTITION "measurements_2023" CONCURRENTLY;