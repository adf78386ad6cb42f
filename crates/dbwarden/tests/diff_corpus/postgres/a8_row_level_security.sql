-- Row-level security comes on with a policy, another policy changes, and a third goes.
-- from
CREATE TABLE notes (id integer PRIMARY KEY, owner text NOT NULL, body text);
CREATE TABLE drafts (id integer PRIMARY KEY, owner text NOT NULL);
ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY drafts_own ON drafts USING (owner = current_user);
CREATE POLICY drafts_old ON drafts FOR DELETE USING (false);
-- to
CREATE TABLE notes (id integer PRIMARY KEY, owner text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes FOR ALL TO PUBLIC USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE TABLE drafts (id integer PRIMARY KEY, owner text NOT NULL);
ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY drafts_own ON drafts AS RESTRICTIVE FOR SELECT USING (owner = session_user);
-- data
INSERT INTO notes VALUES (1, 'postgres', 'hello');
INSERT INTO drafts VALUES (1, 'postgres');
