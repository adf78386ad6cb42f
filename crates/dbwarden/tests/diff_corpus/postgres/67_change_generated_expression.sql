-- A stored generated column gets another expression.
-- from
CREATE TABLE temperatures (id integer PRIMARY KEY, celsius numeric(5,2) NOT NULL, fahrenheit numeric(6,2) GENERATED ALWAYS AS (celsius * 9 / 5 + 32) STORED);
-- to
CREATE TABLE temperatures (id integer PRIMARY KEY, celsius numeric(5,2) NOT NULL, fahrenheit numeric(6,2) GENERATED ALWAYS AS (round(celsius * 1.8 + 32, 1)) STORED);
-- data
INSERT INTO temperatures (id, celsius) VALUES (1, 20), (2, -40);
