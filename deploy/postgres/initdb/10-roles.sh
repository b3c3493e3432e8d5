#!/usr/bin/env bash
# Runs once, on an empty data volume, as the superuser: one login role per service, each with only what it needs.
#   blog       owns the blog database; its Flyway migration creates the tables
#   relay      REPLICATION for the slot; it reads the outbox through the publication (grants in setup/)
#   analytics  owns the schema "analytics"; may update users.total_blogs only (grants in setup/)
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v blog_user="$BLOG_DB_USER" -v blog_password="$BLOG_DB_PASSWORD" \
    -v relay_user="$RELAY_DB_USER" -v relay_password="$RELAY_DB_PASSWORD" \
    -v analytics_user="$ANALYTICS_DB_USER" -v analytics_password="$ANALYTICS_DB_PASSWORD" <<'SQL'
create role :"blog_user" login password :'blog_password';
create role :"relay_user" login replication password :'relay_password';
create role :"analytics_user" login password :'analytics_password';
create database blog owner :"blog_user";
\connect blog
revoke all on database blog from public;
grant connect on database blog to :"relay_user", :"analytics_user";
create schema analytics authorization :"analytics_user";
SQL
