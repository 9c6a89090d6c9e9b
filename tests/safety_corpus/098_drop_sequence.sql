-- expect: drop-sequence@0
DROP SEQUENCE "invoice_number_seq";