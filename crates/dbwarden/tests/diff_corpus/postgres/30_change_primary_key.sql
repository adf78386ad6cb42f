-- A single-column key becomes a composite one.
-- from
CREATE TABLE memberships (
    user_id integer NOT NULL,
    group_id integer NOT NULL,
    role text NOT NULL DEFAULT 'member',
    CONSTRAINT memberships_pkey PRIMARY KEY (user_id)
);
-- to
CREATE TABLE memberships (
    user_id integer NOT NULL,
    group_id integer NOT NULL,
    role text NOT NULL DEFAULT 'member',
    CONSTRAINT memberships_pkey PRIMARY KEY (user_id, group_id)
);
-- data
INSERT INTO memberships VALUES (1, 10, 'owner'), (2, 10, 'member');
