-- expect: refresh-matview-non-concurrent@0
REFRESH MATERIALIZED VIEW "daily_revenue";