package dev.outbox.bench.analytics;

import dev.outbox.bench.database.DatabaseLogin;
import dev.outbox.embedded.postgres.BlogAppSchema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** The benchmark's blog database: blog-app's schema, the authors, and what the consumer's work left in it. */
final class AnalyticsDatabase {

    private final DatabaseLogin login;

    AnalyticsDatabase(DatabaseLogin login) {
        this.login = login;
    }

    Connection connect() throws SQLException {
        return login.connect();
    }

    /** blog-app's own migrations, so the consumer updates the real {@code users} table; authors get ids 1..count. */
    void createBlogSchema(int authors) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            BlogAppSchema.apply(connection, Path.of(""));
            statement.execute("insert into users (id, handle, display_name) select g, 'author_' || g, 'Author ' || g"
                    + " from generate_series(1, " + authors + ") g");
        }
    }

    /**
     * Forgets everything the consumer applied, then vacuums and checkpoints, so every phase starts from the same
     * tables and no checkpoint left over from the last one lands in its window.
     */
    void reset() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            // The consumer's Flyway creates its schema at its first start.
            if (queryLong(statement, "select count(*) from pg_namespace where nspname = 'analytics'") > 0) {
                statement.execute("truncate analytics.processed_events, analytics.counted_blogs");
            }
            statement.execute("update users set total_blogs = 0");
            statement.execute("vacuum analyze users");
            statement.execute("checkpoint");
        }
    }

    /** How many authors' {@code total_blogs} differ from {@code truth} (an author absent from it must have 0). */
    long mismatches(Map<Long, Long> truth) throws SQLException {
        Map<Long, Long> actual = new HashMap<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id, total_blogs from users")) {
            while (rows.next()) {
                actual.put(rows.getLong(1), rows.getLong(2));
            }
        }
        return actual.entrySet().stream()
                .filter(author -> author.getValue() != truth.getOrDefault(author.getKey(), 0L).longValue()).count();
    }

    /** The consumer's transactions since the last reset: all rows of one share its {@code now()}. */
    long transactions() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            return queryLong(statement, "select count(distinct processed_at) from analytics.processed_events");
        }
    }

    private static long queryLong(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    long totalBlogs(Connection connection, long authorId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select total_blogs from users where id = ?")) {
            select.setLong(1, authorId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    String describe(String durability) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select current_setting('server_version'), "
                     + "current_setting('fsync'), current_setting('synchronous_commit'), "
                     + "current_setting('full_page_writes'), current_setting('shared_buffers')")) {
            row.next();
            return String.format("PostgreSQL %s, fsync=%s, synchronous_commit=%s, full_page_writes=%s, "
                    + "shared_buffers=%s (%s)", row.getString(1), row.getString(2), row.getString(3),
                    row.getString(4), row.getString(5), durability);
        }
    }
}
