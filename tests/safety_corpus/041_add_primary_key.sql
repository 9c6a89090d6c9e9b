-- expect: add-primary-key@0
ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY ("id");