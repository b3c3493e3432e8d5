package dev.outbox.bench.publish;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.outbox.bench.database.DatabaseLogin;

/** Reads from the benchmark's database what a phase left behind, and how the server is configured. */
final class BenchDatabase {

    /** How many rows the outbox has seen inserted and deleted, and how many it holds now. */
    record OutboxTraffic(long inserted, long deleted, long live) {
    }

    private final DatabaseLogin login;

    BenchDatabase(DatabaseLogin login) {
        this.login = login;
    }

    DatabaseLogin login() {
        return login;
    }

    long blogCount() throws SQLException {
        return queryLong("select count(*) from blogs");
    }

    /** The sum of every author's stored counter. */
    long totalBlogsCounted() throws SQLException {
        return queryLong("select coalesce(sum(total_blogs), 0) from users");
    }

    /**
     * Waits until the cumulative statistics show {@code expected} outbox inserts (backends flush them after a delay
     * or when they exit), or until the deadline, and returns what they show then.
     */
    OutboxTraffic awaitOutboxTraffic(long expected, Duration deadline) throws SQLException, InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        OutboxTraffic traffic = outboxTraffic();
        while (traffic.inserted() < expected && System.nanoTime() < until) {
            Thread.sleep(200);
            traffic = outboxTraffic();
        }
        return traffic;
    }

    private OutboxTraffic outboxTraffic() throws SQLException {
        return new OutboxTraffic(
                queryLong("select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables where relname = 'outbox'"),
                queryLong("select coalesce(sum(n_tup_del), 0) from pg_stat_user_tables where relname = 'outbox'"),
                queryLong("select count(*) from outbox"));
    }

    String serverDescription() throws SQLException {
        return queryText("select 'PostgreSQL ' || current_setting('server_version')"
                + " || ', fsync=' || current_setting('fsync')"
                + " || ', synchronous_commit=' || current_setting('synchronous_commit')"
                + " || ', full_page_writes=' || current_setting('full_page_writes')"
                + " || ', wal_level=' || current_setting('wal_level')"
                + " || ', shared_buffers=' || current_setting('shared_buffers')");
    }

    private long queryLong(String sql) throws SQLException {
        return Long.parseLong(queryText(sql));
    }

    private String queryText(String sql) throws SQLException {
        try (Connection connection = login.connect();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}
