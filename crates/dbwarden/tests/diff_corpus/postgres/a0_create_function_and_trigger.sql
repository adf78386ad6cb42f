-- A trigger function and the trigger that runs it are created; every write to the table now
-- goes through them.
-- from
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
-- to
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
-- data
INSERT INTO items VALUES (1, 'one', NULL), (2, 'two', NULL);
