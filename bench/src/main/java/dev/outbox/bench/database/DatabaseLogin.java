package dev.outbox.bench.database;

import dev.outbox.embedded.postgres.PostgresServer;

import java.sql.Connection;
import java.sql.SQLException;

/** Where a benchmark's Postgres database is and who it connects as. */
public record DatabaseLogin(String jdbcUrl, String user, String password) {

    public Connection connect() throws SQLException {
        return PostgresServer.connect(jdbcUrl, user, password);
    }
}
