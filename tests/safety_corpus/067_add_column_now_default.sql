-- expect: (none)
ALTER TABLE "users" ADD COLUMN "created_at" timestamp DEFAULT now() NOT NULL;