-- expect: (none)
CREATE TABLE "staging" ("id" integer);--> statement-breakpoint
TRUNCATE "staging";