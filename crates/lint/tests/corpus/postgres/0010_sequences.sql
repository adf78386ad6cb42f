-- expect:
SET LOCAL lock_timeout = '5s';
CREATE SEQUENCE IF NOT EXISTS invoice_number_seq START WITH 1000 INCREMENT BY 1;
ALTER SEQUENCE invoice_number_seq OWNED BY NONE;
ALTER SEQUENCE IF EXISTS invoice_number_seq RESTART WITH 5000;
ALTER SEQUENCE invoice_number_seq INCREMENT BY 1 MINVALUE 1 NO MAXVALUE CACHE 20;
ALTER SEQUENCE orders_id_seq AS bigint;
SELECT setval('invoice_number_seq', 5000, false);
