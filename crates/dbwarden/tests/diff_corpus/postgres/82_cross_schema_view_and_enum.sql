-- An enum and a view live in another schema than the table they use.
-- from
CREATE SCHEMA app;
CREATE TABLE public.tasks (id integer PRIMARY KEY, title text NOT NULL);
-- to
CREATE SCHEMA app;
CREATE TYPE app.task_state AS ENUM ('todo', 'doing', 'done');
CREATE TABLE public.tasks (id integer PRIMARY KEY, title text NOT NULL, state app.task_state NOT NULL DEFAULT 'todo');
CREATE VIEW app.open_tasks AS SELECT id, title FROM public.tasks WHERE state <> 'done';
-- data
INSERT INTO tasks VALUES (1, 'write tests'), (2, 'fix bugs');
