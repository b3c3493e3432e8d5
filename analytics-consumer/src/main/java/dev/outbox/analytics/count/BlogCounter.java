package dev.outbox.analytics.count;

import dev.outbox.consumer.EventHandler.Applied;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Applies a batch of blog events to {@code users.total_blogs} in ONE transaction that also records every event
 * id as processed. An id already recorded is a redelivery and changes nothing, so a crash between this commit
 * and the Kafka offset commit cannot count a blog twice. Statements are per batch, not per event: one
 * {@code update users … + delta} for all authors of the batch.
 */
@ApplicationScoped
public class BlogCounter {

    @Inject
    DataSource dataSource;

    public Applied apply(String consumerGroup, List<BlogEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return Applied.allNew(0, 0);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Set<UUID> fresh = recordFirstSeen(connection, consumerGroup, events);
                BitSet alreadyHeld = alreadyHeld(events, fresh);
                List<BlogEvent> toApply = IntStream.range(0, events.size()).filter(i -> !alreadyHeld.get(i))
                        .mapToObj(events::get).toList();
                Map<Long, Long> deltaByAuthor = new HashMap<>();
                countPublished(connection, toApply, deltaByAuthor);
                uncountDeleted(connection, toApply, deltaByAuthor);
                updateTotals(connection, deltaByAuthor);
                connection.commit();
                return new Applied(toApply.size(), events.size() - toApply.size(), alreadyHeld);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Set<UUID> recordFirstSeen(Connection connection, String group, List<BlogEvent> events)
            throws SQLException {
        Set<UUID> fresh = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into analytics.processed_events (consumer_group, event_id)
                select ?, id from unnest(?::uuid[]) as id
                on conflict do nothing
                returning event_id""")) {
            insert.setString(1, group);
            insert.setArray(2, connection.createArrayOf("uuid", events.stream().map(BlogEvent::eventId).toArray()));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    fresh.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return fresh;
    }

    /**
     * The events not to apply, by position: recorded before this batch (redelivered), and every copy after the first
     * when a batch holds an id twice.
     */
    private static BitSet alreadyHeld(List<BlogEvent> events, Set<UUID> fresh) {
        Set<UUID> pending = new HashSet<>(fresh);
        BitSet held = new BitSet();
        for (int i = 0; i < events.size(); i++) {
            if (!pending.remove(events.get(i).eventId())) {
                held.set(i);
            }
        }
        return held;
    }

    private static void countPublished(Connection connection, List<BlogEvent> events, Map<Long, Long> delta)
            throws SQLException {
        List<BlogEvent> published = events.stream().filter(e -> e.kind() == BlogEvent.Kind.PUBLISHED).toList();
        if (published.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into analytics.counted_blogs (blog_id, author_id)
                select * from unnest(?::bigint[], ?::bigint[])
                on conflict do nothing
                returning author_id""")) {
            insert.setArray(1, longs(connection, published.stream().map(BlogEvent::blogId).toList()));
            insert.setArray(2, longs(connection, published.stream().map(BlogEvent::authorId).toList()));
            addPerReturnedAuthor(insert, delta, 1);
        }
    }

    private static void uncountDeleted(Connection connection, List<BlogEvent> events, Map<Long, Long> delta)
            throws SQLException {
        List<Long> deleted = events.stream().filter(e -> e.kind() == BlogEvent.Kind.DELETED).map(BlogEvent::blogId)
                .toList();
        if (deleted.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "delete from analytics.counted_blogs where blog_id = any(?::bigint[]) returning author_id")) {
            delete.setArray(1, longs(connection, deleted));
            addPerReturnedAuthor(delete, delta, -1);
        }
    }

    private static void updateTotals(Connection connection, Map<Long, Long> deltaByAuthor) throws SQLException {
        deltaByAuthor.values().removeIf(delta -> delta == 0);
        if (deltaByAuthor.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("""
                update public.users set total_blogs = total_blogs + d.delta
                from unnest(?::bigint[], ?::bigint[]) as d(author_id, delta)
                where users.id = d.author_id""")) {
            List<Long> authors = new ArrayList<>(deltaByAuthor.keySet());
            update.setArray(1, longs(connection, authors));
            update.setArray(2, longs(connection, authors.stream().map(deltaByAuthor::get).toList()));
            update.executeUpdate();
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
