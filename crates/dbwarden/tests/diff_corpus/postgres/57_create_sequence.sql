-- A free-standing sequence feeds a new column's default.
-- from
CREATE TABLE receipts (id integer PRIMARY KEY, issued_on date NOT NULL);
-- to
CREATE SEQUENCE receipt_numbers AS integer INCREMENT BY 1 MINVALUE 1000 MAXVALUE 999999 START WITH 1000 CACHE 1;
COMMENT ON SEQUENCE receipt_numbers IS 'Receipt numbers, gapless enough';
CREATE TABLE receipts (id integer PRIMARY KEY, issued_on date NOT NULL, number integer DEFAULT nextval('receipt_numbers'));
-- data
INSERT INTO receipts VALUES (1, '2024-06-01');
