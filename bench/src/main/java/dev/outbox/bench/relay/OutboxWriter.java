package dev.outbox.bench.relay;

import dev.outbox.bench.database.DatabaseLogin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/** One connection writing outbox events the way blog-app does: insert and delete in one transaction per event. */
final class OutboxWriter implements AutoCloseable {

    private static final int AUTHORS = 50;

    /** An event and when its commit returned to the writer ({@link System#nanoTime()}). */
    record Written(UUID id, long commitNanos) {
    }

    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final SplittableRandom random;
    private final boolean traced;
    private long blogId;

    /** @param traced each event carries a trace context of its own, as blog-app writes it for a traced request */
    OutboxWriter(DatabaseLogin login, int writerIndex, boolean traced) throws SQLException {
        connection = login.connect();
        connection.setAutoCommit(false);
        insert = connection.prepareStatement("""
                insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version,
                                    tracingspancontext)
                values (?, 'blog', ?, 'BlogPublished', cast(? as jsonb), ?, 1, ?)""");
        delete = connection.prepareStatement("delete from outbox where id = ?");
        random = new SplittableRandom();
        this.traced = traced;
        blogId = writerIndex * 1_000_000_000L;
    }

    Written write() throws SQLException {
        UUID id = UUID.randomUUID();
        String author = Integer.toString(1 + random.nextInt(AUTHORS));
        insert.setObject(1, id);
        insert.setString(2, author);
        insert.setString(3, EventPayloads.blogPublished(id, author, ++blogId, random));
        insert.setTimestamp(4, Timestamp.from(Instant.now()));
        insert.setString(5, traced ? String.format("traceparent=00-%016x%016x-%016x-01%n", random.nextLong(),
                random.nextLong(), random.nextLong()) : null);
        insert.executeUpdate();
        delete.setObject(1, id);
        delete.executeUpdate();
        connection.commit();
        return new Written(id, System.nanoTime());
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
