-- expect: validate-constraint-same-transaction@1 set-not-null@2
-- pg: 11
ALTER TABLE "users" ADD CONSTRAINT "users_email_nn" CHECK ("email" IS NOT NULL) NOT VALID;--> statement-breakpoint
ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_nn";--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;