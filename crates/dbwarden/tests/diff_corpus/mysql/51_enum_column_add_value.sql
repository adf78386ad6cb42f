-- An ENUM column gets a new value at the end (in place) and another in the middle (a copy).
-- from
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, status ENUM('pending', 'shipped') NOT NULL DEFAULT 'pending');
-- to
CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, status ENUM('pending', 'paid', 'shipped', 'refunded') NOT NULL DEFAULT 'pending');
-- data
INSERT INTO orders VALUES (1, 'pending'), (2, 'shipped');
