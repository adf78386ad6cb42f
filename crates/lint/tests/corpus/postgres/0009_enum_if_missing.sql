-- expect:
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'project_status') THEN
        CREATE TYPE project_status AS ENUM ('draft', 'active', 'archived');
    END IF;
END
$$;

CREATE TABLE project_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id),
    status project_status NOT NULL DEFAULT 'draft',
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_events_project_id_idx ON project_events (project_id);
