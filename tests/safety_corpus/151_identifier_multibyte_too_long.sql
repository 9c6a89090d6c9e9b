-- expect: identifier-too-long@0
CREATE TABLE "éééééééééééééééééééééééééééééééééééééééé" ("id" integer);
