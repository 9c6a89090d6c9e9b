-- expect: syntax-error@0 drop-table@1
CREATE TABLE (;--> statement-breakpoint
DROP TABLE "old";