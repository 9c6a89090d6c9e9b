-- expect: (none)
ALTER TABLE "settings" ADD COLUMN "value" text;--> statement-breakpoint
INSERT INTO "settings" ("key", "value") VALUES ('theme', 'dark');