-- A trigger and its function go: the trigger first, then the function nothing uses.
-- from
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
-- to
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
-- data
INSERT INTO items VALUES (1, 'one', now());
