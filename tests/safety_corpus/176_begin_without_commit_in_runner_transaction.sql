-- expect: transaction-control-in-migration@0
BEGIN;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text;
