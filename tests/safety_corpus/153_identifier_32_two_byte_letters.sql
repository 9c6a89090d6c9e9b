-- expect: identifier-too-long@0 identifier-too-long@1
CREATE TABLE "éééééééééééééééééééééééééééééééé" ("id" integer);--> statement-breakpoint
ALTER TABLE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" ADD CONSTRAINT "€€€€€€€€€€€€€€€€€€€€€€" CHECK (true) NOT VALID;
