-- expect: (none)
REFRESH MATERIALIZED VIEW CONCURRENTLY "daily_revenue";