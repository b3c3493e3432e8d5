package dev.outbox.bench.publish;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.bench.load.LoadClient;

/**
 * The publish transaction without HTTP, JSON binding, Hibernate or the pool: the same statements blog-app sends
 * (insert the blog, insert its event into the outbox, delete it, commit) on one connection of its own.
 */
final class RawPublishTransaction implements LoadClient {

    /** The event's payload, with the fields of blog-app's BlogPublished. */
    record BlogPublishedPayload(UUID eventId, String occurredAt, long blogId, long authorId, String title, String body,
                                List<String> tags, long version, String aggregateId, String eventType,
                                int schemaVersion) {
    }

    private final Connection connection;
    private final PreparedStatement insertBlog;
    private final PreparedStatement insertEvent;
    private final PreparedStatement deleteEvent;
    private final List<Long> authorIds;
    private final BlogDrafts drafts;
    private final Json json;
    private final Random random;

    RawPublishTransaction(DatabaseLogin login, List<Long> authorIds, BlogDrafts drafts, Json json, int client)
            throws SQLException {
        this.connection = login.connect();
        connection.setAutoCommit(false);
        this.insertBlog = connection.prepareStatement("""
                insert into blogs (author_id, title, body, tags, status, version, created_at, updated_at)
                values (?, ?, ?, ?, 'PUBLISHED', 1, ?, ?) returning id""");
        this.insertEvent = connection.prepareStatement("""
                insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version)
                values (?, 'blog', ?, 'BlogPublished', cast(? as jsonb), ?, 1)""");
        this.deleteEvent = connection.prepareStatement("delete from outbox where id = ?");
        this.authorIds = authorIds;
        this.drafts = drafts;
        this.json = json;
        this.random = new Random(client);
    }

    @Override
    public String send() throws SQLException {
        long authorId = authorIds.get(random.nextInt(authorIds.size()));
        BlogDrafts.Draft draft = drafts.pick(random);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Timestamp timestamp = Timestamp.from(now);
        try {
            long blogId = insertBlog(authorId, draft, timestamp);
            UUID eventId = UUID.randomUUID();
            insertEvent.setObject(1, eventId);
            insertEvent.setString(2, Long.toString(authorId));
            insertEvent.setString(3, json.write(new BlogPublishedPayload(eventId, now.toString(), blogId, authorId,
                    draft.title(), draft.body(), draft.tags(), 1, Long.toString(authorId), "BlogPublished", 1)));
            insertEvent.setTimestamp(4, timestamp);
            insertEvent.executeUpdate();
            deleteEvent.setObject(1, eventId);
            deleteEvent.executeUpdate();
            connection.commit();
            return "publish transaction";
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    private long insertBlog(long authorId, BlogDrafts.Draft draft, Timestamp now) throws SQLException {
        Array tags = connection.createArrayOf("text", draft.tags().toArray());
        insertBlog.setLong(1, authorId);
        insertBlog.setString(2, draft.title());
        insertBlog.setString(3, draft.body());
        insertBlog.setArray(4, tags);
        insertBlog.setTimestamp(5, now);
        insertBlog.setTimestamp(6, now);
        try (ResultSet id = insertBlog.executeQuery()) {
            id.next();
            return id.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
