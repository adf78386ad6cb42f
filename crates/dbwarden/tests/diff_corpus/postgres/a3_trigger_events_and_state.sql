-- A trigger fires on fewer events (dropped and created again) and another is disabled.
-- from
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER items_touch_label BEFORE UPDATE OF label ON items FOR EACH ROW EXECUTE FUNCTION touch();
-- to
CREATE TABLE items (id integer PRIMARY KEY, label text, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW WHEN (NEW.updated_at IS NULL) EXECUTE FUNCTION touch();
CREATE TRIGGER items_touch_label BEFORE UPDATE OF label ON items FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE items DISABLE TRIGGER items_touch_label;
-- data
INSERT INTO items VALUES (1, 'one', now());
