-- PostgreSQL for the central office: one login role that owns one database, nothing else.
-- Run as the postgres superuser (deploy/postgres/setup.sh does it for you):
--
--   psql -v ON_ERROR_STOP=1 -v role=central -v database=central -v password='...' -f setup.sql
--
-- Central creates and upgrades its own tables (`central-api init`), so its role owns the database
-- and its schema, and has no rights anywhere else: no superuser, no CREATEDB, no CREATEROLE.
\set ON_ERROR_STOP on
\if :{?role}
\else
  \set role central
\endif
\if :{?database}
\else
  \set database central
\endif
\if :{?password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'pass a password: psql -v password=... (deploy/postgres/setup.sh makes one)'; END $$;
\endif

CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
-- C.UTF-8: the same ordering on every server; Cyrillic is stored and compared as UTF-8.
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"role";

\connect :"database"
-- Only central's role may create or read objects in its schema.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"role";
