-- expect: (none)
CREATE TABLE "aééééééééééééééééééééééééééééééé" ("id" integer);--> statement-breakpoint
CREATE TABLE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" ("id" integer);--> statement-breakpoint
CREATE TABLE "€€€€€€€€€€€€€€€€€€€€€" ("id" integer);
