-- expect: syntax-error@0
﻿CREATE TABLE "t" ("id" integer);