package dev.outbox.bench.relay;

import dev.outbox.bench.database.DatabaseLogin;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/** One connection writing outbox events the way blog-app does: insert and delete in one transaction per event. */
final class OutboxWriter implements AutoCloseable {

    /** blog-app's own migration: the bench writes to the real outbox table, not a copy of its DDL. */
    static final Path BLOG_SCHEMA = Path.of("blog-app", "src", "main", "resources", "db", "migration",
            "V1__blog_schema.sql");
    private static final int AUTHORS = 50;

    /** An event and when its commit returned to the writer ({@link System#nanoTime()}). */
    record Written(UUID id, long commitNanos) {
    }

    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final SplittableRandom random;
    private long blogId;

    OutboxWriter(DatabaseLogin login, int writerIndex) throws SQLException {
        connection = login.connect();
        connection.setAutoCommit(false);
        insert = connection.prepareStatement("""
                insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version)
                values (?, 'blog', ?, 'BlogPublished', cast(? as jsonb), ?, 1)""");
        delete = connection.prepareStatement("delete from outbox where id = ?");
        random = new SplittableRandom();
        blogId = writerIndex * 1_000_000_000L;
    }

    Written write() throws SQLException {
        UUID id = UUID.randomUUID();
        String author = Integer.toString(1 + random.nextInt(AUTHORS));
        insert.setObject(1, id);
        insert.setString(2, author);
        insert.setString(3, EventPayloads.blogPublished(id, author, ++blogId, random));
        insert.setTimestamp(4, Timestamp.from(Instant.now()));
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
