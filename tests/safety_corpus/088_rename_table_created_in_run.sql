-- expect: (none)
CREATE TABLE "draft" ("id" integer);--> statement-breakpoint
ALTER TABLE "draft" RENAME TO "drafts";