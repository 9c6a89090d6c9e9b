CREATE TYPE "public"."role" AS ENUM('owner', 'member', 'viewer');--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "role" "role" DEFAULT 'member' NOT NULL;