package dev.outbox.relay.support;

import dev.outbox.embedded.postgres.BlogAppSchema;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.SharedInfrastructure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database of its own on the shared Postgres, with blog-app's schema (its Flyway migrations, read from the
 * blog-app module, so the outbox table is the real one) and the outbox written the way blog-app writes it:
 * each event inserted and deleted again in its transaction. {@code busy_table} stands for the other tables
 * of a busy database that the relay does not capture.
 */
public final class RelayDatabase {

    /** An event as written to the outbox; {@code sequence} orders one author's events. */
    public record WrittenEvent(UUID id, String authorId, int sequence) {
    }

    private final PostgresServer postgres;
    private final String name;

    private RelayDatabase(PostgresServer postgres, String name) {
        this.postgres = postgres;
        this.name = name;
    }

    public static RelayDatabase create(String name) {
        PostgresServer postgres = SharedInfrastructure.postgres();
        postgres.createDatabase(name);
        RelayDatabase database = new RelayDatabase(postgres, name);
        try (Connection connection = postgres.connect(name)) {
            BlogAppSchema.apply(connection, Path.of(".."));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        database.execute("create table busy_table (id bigserial primary key, filler text not null)");
        return database;
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl(name);
    }

    public String username() {
        return postgres.username();
    }

    public String password() {
        return postgres.password();
    }

    public Connection connect() throws SQLException {
        return postgres.connect(name);
    }

    /** Writes {@code eventsPerAuthor} events for each author, one transaction per event, interleaving authors. */
    public List<WrittenEvent> publish(List<String> authors, int eventsPerAuthor) throws SQLException {
        List<WrittenEvent> written = new ArrayList<>();
        try (Connection connection = connect()) {
            for (int sequence = 0; sequence < eventsPerAuthor; sequence++) {
                for (String author : authors) {
                    written.add(insertAndDelete(connection, author, sequence));
                    connection.commit();
                }
            }
        }
        return written;
    }

    /** Writes one event for each author, each in a transaction of its own, all carrying {@code sequence}. */
    public List<WrittenEvent> publishRound(List<String> authors, int sequence) throws SQLException {
        List<WrittenEvent> written = new ArrayList<>();
        try (Connection connection = connect()) {
            for (String author : authors) {
                written.add(insertAndDelete(connection, author, sequence));
                connection.commit();
            }
        }
        return written;
    }

    /** Writes all events in ONE transaction: many outbox rows sharing one commit LSN. */
    public List<WrittenEvent> publishInOneTransaction(String author, int count) throws SQLException {
        List<WrittenEvent> written = new ArrayList<>();
        try (Connection connection = connect()) {
            for (int sequence = 0; sequence < count; sequence++) {
                written.add(insertAndDelete(connection, author, sequence));
            }
            connection.commit();
        }
        return written;
    }

    /**
     * Writes one outbox row (and deletes it, as blog-app does) with {@code payload} as it is, null included, in a
     * transaction of its own.
     */
    public UUID insertRow(String author, String payload) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version)
                     values (?, 'blog', ?, 'BlogPublished', cast(? as jsonb), now(), 1)""");
             PreparedStatement delete = connection.prepareStatement("delete from outbox where id = ?")) {
            connection.setAutoCommit(false);
            insert.setObject(1, id);
            insert.setString(2, author);
            insert.setString(3, payload);
            insert.executeUpdate();
            delete.setObject(1, id);
            delete.executeUpdate();
            connection.commit();
        }
        return id;
    }

    /**
     * Writes one event (and deletes it, as blog-app does) whose row carries {@code spanContext} in
     * {@code tracingspancontext}, as blog-app writes it for a traced request.
     */
    public UUID insertTracedRow(String author, String spanContext) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version,
                                         tracingspancontext)
                     values (?, 'blog', ?, 'BlogPublished', cast(? as jsonb), now(), 1, ?)""");
             PreparedStatement delete = connection.prepareStatement("delete from outbox where id = ?")) {
            connection.setAutoCommit(false);
            insert.setObject(1, id);
            insert.setString(2, author);
            insert.setString(3, "{\"event_id\": \"" + id + "\", \"author_id\": " + author + "}");
            insert.setString(4, spanContext);
            insert.executeUpdate();
            delete.setObject(1, id);
            delete.executeUpdate();
            connection.commit();
        }
        return id;
    }

    public void execute(String sql) {
        try (Connection connection = postgres.connect(name); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** {@code confirmed_flush_lsn} of the slot, as a number of bytes since WAL start. */
    public long confirmedFlushLsn(String slot) {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(
                     "select confirmed_flush_lsn - '0/0'::pg_lsn from pg_replication_slots where slot_name = ?")) {
            connection.setAutoCommit(true);
            statement.setString(1, slot);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long currentWalLsn() {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select pg_current_wal_lsn() - '0/0'::pg_lsn")) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WrittenEvent insertAndDelete(Connection connection, String author, int sequence) throws SQLException {
        connection.setAutoCommit(false);
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version)
                values (?, 'blog', ?, 'BlogPublished', cast(? as jsonb), ?, 1)""");
             PreparedStatement delete = connection.prepareStatement("delete from outbox where id = ?")) {
            insert.setObject(1, id);
            insert.setString(2, author);
            insert.setString(3, "{\"event_id\": \"" + id + "\", \"event_type\": \"BlogPublished\", \"author_id\": "
                    + author + ", \"sequence\": " + sequence + ", \"title\": \"It's \\\"quoted\\\"\"}");
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
            delete.setObject(1, id);
            delete.executeUpdate();
        }
        return new WrittenEvent(id, author, sequence);
    }
}
