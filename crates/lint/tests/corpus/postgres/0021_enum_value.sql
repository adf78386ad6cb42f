-- expect:
ALTER TYPE project_status ADD VALUE IF NOT EXISTS 'paused' AFTER 'active';
