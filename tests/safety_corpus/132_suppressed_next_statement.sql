-- expect: drop-column@1
-- neontui-ignore: drop-column
ALTER TABLE "users" DROP COLUMN "legacy_id";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "legacy_name";