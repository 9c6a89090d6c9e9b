-- expect: (none)
INSERT INTO "audit_log" ("note") VALUES ('DROP TABLE users; DELETE FROM orders');