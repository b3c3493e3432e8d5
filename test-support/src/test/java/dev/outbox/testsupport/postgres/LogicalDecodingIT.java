package dev.outbox.testsupport.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.SharedInfrastructure;

class LogicalDecodingIT {

    private static final String DATABASE = "logical_decoding_it";

    private Connection connection;

    @BeforeEach
    void createTableAndPublication() throws SQLException {
        PostgresServer postgres = SharedInfrastructure.postgres();
        postgres.createDatabase(DATABASE);
        connection = postgres.connect(DATABASE);
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS probe");
            statement.execute("CREATE TABLE probe (id bigint PRIMARY KEY, payload text NOT NULL)");
            statement.execute("DROP PUBLICATION IF EXISTS probe_publication");
            statement.execute("CREATE PUBLICATION probe_publication FOR TABLE probe");
        }
    }

    @AfterEach
    void dropSlots() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE database = current_database()");
        }
        connection.close();
    }

    @Test
    void serverIsConfiguredForLogicalDecoding() throws SQLException {
        assertEquals("logical", show("wal_level"));
        assertEquals("on", show("synchronous_commit"));
        assertTrue(Integer.parseInt(show("max_wal_senders")) >= 10);
        assertTrue(Integer.parseInt(show("max_replication_slots")) >= 10);
        assertEquals("true", single("SELECT (rolsuper AND rolreplication)::text FROM pg_roles WHERE rolname = current_user"));
    }

    @Test
    void pgoutputSlotDecodesAnInsertIntoThePublishedTable() throws SQLException {
        single("SELECT slot_name FROM pg_create_logical_replication_slot('probe_pgoutput', 'pgoutput')");

        execute("INSERT INTO probe VALUES (1, 'hello')");

        // pgoutput messages start with a type byte: B(egin), R(elation), I(nsert), C(ommit).
        List<String> types = column("SELECT chr(get_byte(data, 0)) FROM pg_logical_slot_peek_binary_changes("
                + "'probe_pgoutput', NULL, NULL, 'proto_version', '1', 'publication_names', 'probe_publication')");
        assertEquals(List.of("B", "R", "I", "C"), types);
    }

    @Test
    void testDecodingSlotShowsTheInsertAsText() throws SQLException {
        single("SELECT slot_name FROM pg_create_logical_replication_slot('probe_text', 'test_decoding')");

        execute("INSERT INTO probe VALUES (2, 'world')");

        List<String> changes = column("SELECT data FROM pg_logical_slot_get_changes('probe_text', NULL, NULL)");
        assertTrue(changes.contains("table public.probe: INSERT: id[bigint]:2 payload[text]:'world'"), changes.toString());
    }

    private String show(String setting) throws SQLException {
        return single("SHOW " + setting);
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private String single(String sql) throws SQLException {
        List<String> values = column(sql);
        assertEquals(1, values.size(), sql);
        return values.get(0);
    }

    private List<String> column(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
