-- expect: detach-partition-non-concurrent@0
ALTER TABLE "measurements" DETACH PARTITION "measurements_2023";