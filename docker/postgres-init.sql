-- Run once by the postgres image on first start (empty data volume), as the
-- superuser `bank`, from /docker-entrypoint-initdb.d/.
-- Each subgraph owns one database on the shared server (docs/architecture.md, "Services, ports, processes");
-- the service derives its database from DATABASE_URL by the subgraph's name.
-- Adding a database here does not touch an existing volume: create it by hand
-- (CREATE DATABASE ...) or recreate the volume (docker compose down -v).
CREATE DATABASE identity;
CREATE DATABASE banking;
CREATE DATABASE billing;
CREATE DATABASE lending;
CREATE DATABASE messaging;
CREATE DATABASE assistant;
