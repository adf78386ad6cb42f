-- expect:
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    operation text NOT NULL,
    row_data jsonb,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
DECLARE
    payload jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        payload := to_jsonb(OLD);
    ELSE
        payload := to_jsonb(NEW);
    END IF;
    INSERT INTO audit_log (table_name, operation, row_data)
    VALUES (TG_TABLE_NAME, TG_OP, payload);
    RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION audit_row() IS 'Writes one audit_log row per change; attach AFTER ... FOR EACH ROW.';
