package dev.outbox.relay.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The publication the slot decodes publishes inserts and updates only. blog-app deletes each outbox row in the
 * transaction that inserted it; with deletes published, Postgres decoded each one and Debezium built a change event
 * and a tombstone for it, only for the relay to drop both, the decoding thread's largest cost in a backlog drain
 * (docs/benchmarks.md, "Relay profile"). Created here when missing, before Debezium would create it without that
 * option; one that still publishes deletes is altered when this user owns it, and otherwise only reported
 * (Debezium's {@code skipped.operations} then drops the deletes, later and at a higher cost).
 */
@ApplicationScoped
class OutboxPublication {

    private static final Logger LOG = Logger.getLogger(OutboxPublication.class);
    static final String PUBLISHED = "insert, update";
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Inject
    DataSource dataSource;

    @Inject
    RelayConfig relay;

    void ensureWithoutDeletes() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            ensureWithoutDeletes(connection, relay.publicationName(), relay.outboxTable() + ", " + relay.heartbeatTable());
        }
    }

    /** @param tables the publication's tables, comma-separated, as Debezium's filtered mode would list them */
    static void ensureWithoutDeletes(Connection connection, String publication, String tables) throws SQLException {
        Optional<Boolean> publishesDeletes = publishesDeletes(connection, publication);
        if (publishesDeletes.isEmpty()) {
            try {
                execute(connection, "create publication " + publication + " for table " + tables
                        + " with (publish = '" + PUBLISHED + "')");
                return;
            } catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw e; // Debezium would fail the same way: this user may not create publications
                }
                publishesDeletes = publishesDeletes(connection, publication); // another relay created it meanwhile
            }
        }
        if (publishesDeletes.orElse(false)) {
            try {
                execute(connection, "alter publication " + publication + " set (publish = '" + PUBLISHED + "')");
            } catch (SQLException e) {
                if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    throw e;
                }
                LOG.warnf("Publication %s publishes deletes, which the relay only drops, and this user does not own it: "
                        + "as its owner, run alter publication %s set (publish = '%s')", publication, publication, PUBLISHED);
            }
        }
    }

    private static Optional<Boolean> publishesDeletes(Connection connection, String publication) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select pubdelete from pg_publication where pubname = ?")) {
            select.setString(1, publication);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getBoolean(1)) : Optional.empty();
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
