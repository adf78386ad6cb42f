-- A sequence's options change.
-- from
CREATE SEQUENCE ticket_numbers AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 100000 START WITH 1 CACHE 1;
CREATE TABLE tickets (id integer PRIMARY KEY DEFAULT nextval('ticket_numbers'), subject text);
-- to
CREATE SEQUENCE ticket_numbers AS bigint INCREMENT BY 5 MINVALUE 1 MAXVALUE 100000000 START WITH 1 CACHE 20 CYCLE;
CREATE TABLE tickets (id integer PRIMARY KEY DEFAULT nextval('ticket_numbers'), subject text);
-- data
INSERT INTO tickets (subject) VALUES ('printer'), ('wifi');
