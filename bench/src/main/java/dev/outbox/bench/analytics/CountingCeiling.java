package dev.outbox.bench.analytics;

import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.machine.CpuSplit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The database work of the analytics consumer without Kafka, JSON or Quarkus: the statements of analytics-consumer's
 * BlogCounter, batch after batch on one connection (the ceiling); and the seeds' synchronous way, one
 * {@code update users} per event in its own transaction (the naive baseline).
 */
final class CountingCeiling {

    /** Events applied, the time it took, and where the CPU went meanwhile. */
    record Result(int events, int batches, long nanos, CpuSplit.Share cpu) {
        double perSecond() {
            return events / (nanos / 1e9);
        }
    }

    private static final String GROUP = "ceiling";

    private final AnalyticsDatabase database;

    CountingCeiling(AnalyticsDatabase database) {
        this.database = database;
    }

    /** All of {@code events} in batches of {@code batchSize}, each in one transaction as the consumer applies it. */
    Result batched(List<BlogEventStream.Event> events, int batchSize) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            int batches = 0;
            CpuSplit.Snapshot cpuStart = AnalyticsBenchmark.CPU.snapshot();
            long start = System.nanoTime();
            for (int from = 0; from < events.size(); from += batchSize) {
                applyBatch(connection, events.subList(from, Math.min(events.size(), from + batchSize)));
                connection.commit();
                batches++;
            }
            long nanos = System.nanoTime() - start;
            // Before the connection closes: its backend's CPU is missed once the process has ended.
            return new Result(events.size(), batches, nanos, cpuStart.until(AnalyticsBenchmark.CPU.snapshot()));
        }
    }

    /** One autocommitted {@code update users} per publish or delete (an update changes no count), for {@code limit}. */
    Result naive(List<BlogEventStream.Event> events, Duration limit) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement update = connection.prepareStatement(
                     "update users set total_blogs = total_blogs + ? where id = ?")) {
            CpuSplit.Snapshot cpuStart = AnalyticsBenchmark.CPU.snapshot();
            long start = System.nanoTime();
            long until = start + limit.toNanos();
            int applied = 0;
            for (BlogEventStream.Event event : events) {
                if (event.kind() != BlogEventStream.Kind.UPDATED) {
                    update.setLong(1, event.kind() == BlogEventStream.Kind.PUBLISHED ? 1 : -1);
                    update.setLong(2, event.authorId());
                    update.executeUpdate();
                }
                applied++;
                if (System.nanoTime() > until) {
                    break;
                }
            }
            long nanos = System.nanoTime() - start;
            return new Result(applied, applied, nanos, cpuStart.until(AnalyticsBenchmark.CPU.snapshot()));
        }
    }

    private static void applyBatch(Connection connection, List<BlogEventStream.Event> batch) throws SQLException {
        Set<UUID> fresh = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into analytics.processed_events (consumer_group, event_id)
                select ?, id from unnest(?::uuid[]) as id
                on conflict do nothing
                returning event_id""")) {
            insert.setString(1, GROUP);
            insert.setArray(2, connection.createArrayOf("uuid",
                    batch.stream().map(BlogEventStream.Event::id).toArray()));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    fresh.add(rows.getObject(1, UUID.class));
                }
            }
        }
        List<BlogEventStream.Event> toApply = batch.stream().filter(e -> fresh.remove(e.id())).toList();
        Map<Long, Long> delta = new HashMap<>();
        List<BlogEventStream.Event> published = toApply.stream()
                .filter(e -> e.kind() == BlogEventStream.Kind.PUBLISHED).toList();
        if (!published.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into analytics.counted_blogs (blog_id, author_id)
                    select * from unnest(?::bigint[], ?::bigint[])
                    on conflict do nothing
                    returning author_id""")) {
                insert.setArray(1, longs(connection, published.stream().map(BlogEventStream.Event::blogId).toList()));
                insert.setArray(2, longs(connection, published.stream().map(BlogEventStream.Event::authorId).toList()));
                addPerReturnedAuthor(insert, delta, 1);
            }
        }
        List<Long> deleted = toApply.stream().filter(e -> e.kind() == BlogEventStream.Kind.DELETED)
                .map(BlogEventStream.Event::blogId).toList();
        if (!deleted.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from analytics.counted_blogs where blog_id = any(?::bigint[]) returning author_id")) {
                delete.setArray(1, longs(connection, deleted));
                addPerReturnedAuthor(delete, delta, -1);
            }
        }
        delta.values().removeIf(d -> d == 0);
        if (!delta.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement("""
                    update public.users set total_blogs = total_blogs + d.delta
                    from unnest(?::bigint[], ?::bigint[]) as d(author_id, delta)
                    where users.id = d.author_id""")) {
                List<Long> authors = new ArrayList<>(delta.keySet());
                update.setArray(1, longs(connection, authors));
                update.setArray(2, longs(connection, authors.stream().map(delta::get).toList()));
                update.executeUpdate();
            }
        }
    }

    private static void addPerReturnedAuthor(PreparedStatement statement, Map<Long, Long> delta, long step)
            throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                delta.merge(rows.getLong(1), step, Long::sum);
            }
        }
    }

    private static Array longs(Connection connection, List<Long> values) throws SQLException {
        return connection.createArrayOf("bigint", values.toArray());
    }
}
