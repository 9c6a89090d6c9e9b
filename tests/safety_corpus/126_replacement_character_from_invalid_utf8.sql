-- expect: drop-column@0
-- caf� au lait
ALTER TABLE "menu" DROP COLUMN "price_eur";