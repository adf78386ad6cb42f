-- A function's body changes: CREATE OR REPLACE, which keeps the trigger that uses it.
-- from
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
-- to
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := clock_timestamp(); NEW.label := trim(NEW.label); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
-- data
INSERT INTO items VALUES (1, 'one', NULL);
