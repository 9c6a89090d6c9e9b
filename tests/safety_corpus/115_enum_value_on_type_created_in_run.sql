-- expect: (none)
CREATE TYPE "public"."tier" AS ENUM('free');--> statement-breakpoint
ALTER TYPE "public"."tier" ADD VALUE 'pro';--> statement-breakpoint
CREATE TABLE "plans" ("tier" "tier" DEFAULT 'pro');