-- A generated column gets another expression.
-- from
CREATE TABLE temperatures (id INT NOT NULL PRIMARY KEY, celsius DECIMAL(5,2) NOT NULL, fahrenheit DECIMAL(6,2) AS (celsius * 9 / 5 + 32) VIRTUAL);
-- to
CREATE TABLE temperatures (id INT NOT NULL PRIMARY KEY, celsius DECIMAL(5,2) NOT NULL, fahrenheit DECIMAL(6,2) AS (round(celsius * 1.8 + 32, 1)) VIRTUAL);
-- data
INSERT INTO temperatures (id, celsius) VALUES (1, 20), (2, -40);
