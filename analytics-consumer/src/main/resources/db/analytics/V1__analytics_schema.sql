-- analytics-consumer's own tables, in its own schema of the blog database: the count it maintains
-- (users.total_blogs) and the records that make applying an event idempotent must change in ONE transaction.

-- Every event this consumer group has applied. An event id already here is a redelivery: skipped.
create table processed_events (
    consumer_group text        not null,
    event_id       uuid        not null,
    processed_at   timestamptz not null default now(),
    primary key (consumer_group, event_id)
);
-- Retention: rows older than the topic's retention can never be redelivered (see RetentionJob).
create index processed_events_processed_at_idx on processed_events (processed_at);

-- The blogs counted in their author's total_blogs: a BlogDeleted decrements only a blog that was counted.
create table counted_blogs (
    blog_id   bigint primary key,
    author_id bigint not null
);
