-- expect: add-column-serial-or-identity@0
ALTER TABLE "legacy" ADD COLUMN "id" serial NOT NULL;