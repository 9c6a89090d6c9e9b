ALTER TABLE "users" ADD COLUMN "billing_email" text NOT NULL;--> statement-breakpoint
CREATE INDEX "deployments_project_idx" ON "deployments" USING btree ("project_id");--> statement-breakpoint
ALTER TABLE "projects" DROP COLUMN "legacy_slug";