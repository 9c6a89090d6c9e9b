-- expect: (none)
CREATE TABLE "events" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text
);
--> statement-breakpoint
CREATE INDEX "events_kind_idx" ON "events" USING btree ("kind");