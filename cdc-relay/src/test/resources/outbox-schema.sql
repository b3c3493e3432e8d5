-- The outbox table exactly as blog-app's Flyway migration creates it (blog-app V1__blog_schema.sql).
create table if not exists outbox (
    id             uuid        primary key,
    aggregatetype  text        not null,
    aggregateid    text        not null,
    type           text        not null,
    payload        jsonb       not null,
    occurred_at    timestamptz not null,
    schema_version integer     not null
);
create table if not exists busy_table (id bigserial primary key, filler text not null);
