-- A generated column gets another expression.
-- from
CREATE TABLE temperatures (id INTEGER PRIMARY KEY, celsius REAL NOT NULL, fahrenheit REAL GENERATED ALWAYS AS (celsius * 9 / 5 + 32) VIRTUAL);
-- to
CREATE TABLE temperatures (id INTEGER PRIMARY KEY, celsius REAL NOT NULL, fahrenheit REAL GENERATED ALWAYS AS (round(celsius * 1.8 + 32, 1)) VIRTUAL);
-- data
INSERT INTO temperatures (id, celsius) VALUES (1, 20), (2, -40);
