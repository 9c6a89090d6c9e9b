-- expect: table-rewrite-other@0
ALTER TABLE "imports" SET TABLESPACE "fast_ssd";