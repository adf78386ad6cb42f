-- Two schemas each have a table called users; only one is renamed, with a qualified hint.
-- rename: public.users=public.people
-- from
CREATE SCHEMA admin;
CREATE TABLE public.users (id integer PRIMARY KEY, name text);
CREATE TABLE admin.users (id integer PRIMARY KEY, role text);
-- to
CREATE SCHEMA admin;
CREATE TABLE public.people (id integer PRIMARY KEY, name text);
CREATE TABLE admin.users (id integer PRIMARY KEY, role text NOT NULL DEFAULT 'viewer');
-- data
INSERT INTO public.users VALUES (1, 'Ann');
INSERT INTO admin.users VALUES (1, 'root');
