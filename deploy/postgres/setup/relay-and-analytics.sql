-- Runs after blog-app's migration created the tables (compose service db-setup, as the superuser), every start:
-- idempotent. What the relay and analytics may not do themselves with least privilege.

-- The relay's heartbeat target and publication: CREATE PUBLICATION needs the tables' owner or a superuser.
-- The relay (Debezium, publication.autocreate.mode=filtered) uses it as is while it lists exactly these tables.
-- Inserts and updates only: blog-app deletes each outbox row as it inserts it, and a published delete is decoded
-- and built into an event only for the relay to drop it (docs/relay.md). The alter fixes a publication made before.
create table if not exists public.relay_heartbeat (id integer primary key, beat_at timestamptz not null);
select format('create publication %I for table public.outbox, public.relay_heartbeat with (publish = ''insert, update'')',
              :'publication')
where not exists (select 1 from pg_publication where pubname = :'publication') \gexec
select format('alter publication %I set (publish = ''insert, update'')', :'publication') \gexec
grant usage on schema public to :"relay_user", :"analytics_user";
grant select on public.outbox to :"relay_user";
grant select, insert, update on public.relay_heartbeat to :"relay_user";

-- analytics keeps users.total_blogs: it reads ids and totals, and writes nothing else.
grant select (id, total_blogs), update (total_blogs) on public.users to :"analytics_user";
