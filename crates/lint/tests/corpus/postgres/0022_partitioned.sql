-- expect:
CREATE TABLE measurements (
    id bigint GENERATED ALWAYS AS IDENTITY,
    sensor_id bigint NOT NULL,
    taken_at timestamptz NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (id, taken_at)
) PARTITION BY RANGE (taken_at);

CREATE TABLE measurements_2025 PARTITION OF measurements
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX measurements_2025_sensor_idx ON measurements_2025 (sensor_id, taken_at);
