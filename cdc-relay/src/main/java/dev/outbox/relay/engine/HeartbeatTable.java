package dev.outbox.relay.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The table Debezium's heartbeat writes to, which must exist before the publication that holds it. Created here when
 * missing; where an administrator created it (a least-privilege relay user may not create tables), it is only looked
 * up.
 */
@ApplicationScoped
class HeartbeatTable {

    @Inject
    DataSource dataSource;

    @Inject
    RelayConfig relay;

    void ensureExists() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement exists = connection.prepareStatement("select to_regclass(?) is not null")) {
            exists.setString(1, relay.heartbeatTable());
            try (ResultSet row = exists.executeQuery()) {
                row.next();
                if (row.getBoolean(1)) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("create table if not exists " + relay.heartbeatTable()
                        + " (id integer primary key, beat_at timestamptz not null)");
            }
        }
    }
}
