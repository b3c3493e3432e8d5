package dev.outbox.embedded.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.postgresql.Driver;

/**
 * A PostgreSQL server with {@code wal_level=logical}, reached on {@link #host()}:{@link #port()} as a superuser (who
 * may also open replication connections), that tests can stop and start again on the same address and data, or kill,
 * to exercise failures.
 */
public interface PostgresServer extends AutoCloseable {

    String USERNAME = "outbox";
    String PASSWORD = "outbox";
    String DATABASE = "outbox";
    /** Exists on every server: where databases are created from. */
    String MAINTENANCE_DATABASE = "postgres";

    /** Starts the server (again) and returns once it accepts connections. */
    PostgresServer start();

    /** Stops the server in an orderly way; {@link #start()} brings it back with its data. */
    void stop();

    /** Takes the server away at once, without an orderly shutdown. */
    void kill();

    boolean isRunning();

    String host();

    int port();

    /** The database created at start; others come from {@link #createDatabase}. */
    default String database() {
        return DATABASE;
    }

    default String username() {
        return USERNAME;
    }

    default String password() {
        return PASSWORD;
    }

    default String jdbcUrl() {
        return jdbcUrl(database());
    }

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A new superuser connection to {@link #database()}; the caller closes it. */
    default Connection connect() throws SQLException {
        return connect(database());
    }

    default Connection connect(String database) throws SQLException {
        return connect(jdbcUrl(database), username(), password());
    }

    /**
     * Opens a connection with the PostgreSQL driver directly: {@code DriverManager} only hands out drivers of the
     * caller's class loader, and under Quarkus tests several copies of the driver are loaded.
     */
    static Connection connect(String url, String username, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        Connection connection = new Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("Not a PostgreSQL URL: " + url);
        }
        return connection;
    }

    /**
     * Creates {@code name} unless it exists (so test classes sharing a server can each ask for theirs) and returns its
     * JDBC URL.
     */
    default String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Database names here are lower-case identifiers: " + name);
        }
        try (Connection connection = connect(MAINTENANCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet existing = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!existing.next()) {
                statement.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // duplicate_database: a concurrent caller won the race
                throw new IllegalStateException("Cannot create database " + name, e);
            }
        }
        return jdbcUrl(name);
    }

    /** Stops the server and frees what it holds. */
    @Override
    void close();
}
