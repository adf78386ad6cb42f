-- expect: detach-partition-without-concurrently
SET LOCAL lock_timeout = '5s';
-- Retire the 2019 data: it moves to cold storage as a plain table.
ALTER TABLE measurements DETACH PARTITION measurements_2019;
COMMENT ON TABLE measurements_2019 IS '2019 readings, detached for cold storage';
