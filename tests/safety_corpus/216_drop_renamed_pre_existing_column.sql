-- expect: rename-column@0 drop-column@1
ALTER TABLE "project" RENAME COLUMN "adminId" TO "userId";--> statement-breakpoint
ALTER TABLE "project" DROP COLUMN "userId";
