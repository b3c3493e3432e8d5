package dev.outbox.relay.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Who of several relays on one slot is the active one: the holder of a Postgres session advisory lock named after
 * the slot, taken on a connection of its own (not the pool's, which may close or validate it). Postgres releases it
 * when that session ends, however it ends: the process died, the connection broke, or the session went silent for
 * longer than {@code relay.lock-lease} ({@code idle_session_timeout}, a lease the server enforces on its own clock).
 * The replication slot itself admits one reader at a time; the lock decides which relay should try.
 */
@ApplicationScoped
class ActiveLock implements AutoCloseable {

    static final String APPLICATION_NAME = "outbox-relay-lock";

    @Inject
    RelayConfig relay;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private Connection session;
    /** Read without the lock: a scrape or health check must not wait behind a slow query on the session. */
    private volatile boolean held;

    /** Takes the lock if nobody holds it; false while another relay does. Throws when Postgres cannot be asked. */
    synchronized boolean tryAcquire() throws SQLException {
        if (held) {
            return true;
        }
        try (PreparedStatement take = session().prepareStatement(
                "select pg_try_advisory_lock(hashtextextended(?, 0))")) {
            take.setString(1, lockName());
            try (ResultSet row = take.executeQuery()) {
                row.next();
                held = row.getBoolean(1);
            }
        } catch (SQLException e) {
            closeSession();
            throw e;
        }
        return held;
    }

    /**
     * Proves the lock's session is still alive, so the lock is still ours, and renews the server's lease. Throws when
     * it is not: the lock may be another relay's by now.
     */
    synchronized void check() throws SQLException {
        if (!held) {
            throw new SQLException("the active lock is not held");
        }
        try (Statement ping = session().createStatement()) {
            ping.execute("select 1");
        } catch (SQLException e) {
            held = false;
            closeSession();
            throw e;
        }
    }

    boolean held() {
        return held;
    }

    /** {@code cdc-relay slot <name>}: relays of other slots, or of other databases, never compete. */
    String lockName() {
        return "cdc-relay slot " + relay.slotName();
    }

    @Override
    public synchronized void close() {
        held = false;
        closeSession();
    }

    private Connection session() throws SQLException {
        if (session == null) {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", password);
            properties.setProperty("ApplicationName", APPLICATION_NAME);
            long leaseSeconds = Math.max(2, relay.lockLease().toSeconds());
            // An answer slower than half the lease counts as a lost session: the active stops before the server's
            // lease can hand the lock to a standby.
            properties.setProperty("connectTimeout", Long.toString(leaseSeconds / 2));
            properties.setProperty("socketTimeout", Long.toString(leaseSeconds / 2));
            properties.setProperty("tcpKeepAlive", "true");
            Connection connection = DriverManager.getConnection(jdbcUrl, properties);
            try (Statement lease = connection.createStatement()) {
                connection.setAutoCommit(true);
                lease.execute("set idle_session_timeout = '" + relay.lockLease().toMillis() + "ms'");
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            session = connection;
        }
        return session;
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // The session is gone either way.
            }
            session = null;
        }
    }
}
