package dev.outbox.testsupport.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.outbox.embedded.postgres.EmbeddedPostgresServer;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.embedded.postgres.PrivilegeDrop;
import dev.outbox.embedded.process.LoopbackPorts;
import dev.outbox.testsupport.SharedInfrastructure;

class EmbeddedPostgresServerIT {

    private static final int NOBODY = 65534;

    @Test
    void createDatabaseIsIdempotentAndReturnsAUrlThatConnects() throws SQLException {
        PostgresServer postgres = SharedInfrastructure.postgres();

        String url = postgres.createDatabase("created_twice");
        assertEquals(url, postgres.createDatabase("created_twice"));

        try (Connection connection = postgres.connect("created_twice")) {
            assertEquals("created_twice", query(connection, "SELECT current_database()"));
        }
    }

    @Test
    void keepsPortAndDataAcrossStopAndStart() throws SQLException {
        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer().start()) {
            int port = postgres.port();
            execute(postgres, "CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (42)");

            postgres.stop();
            assertFalse(postgres.isRunning());
            assertThrows(SQLException.class, postgres::connect);

            postgres.start();
            assertEquals(port, postgres.port());
            try (Connection connection = postgres.connect()) {
                assertEquals("42", query(connection, "SELECT id FROM survivor"));
            }
        }
    }

    @Test
    void startsOnAnotherPortWhenAnotherProcessTookItsPortBeforeTheFirstStart() throws Exception {
        // Another build's server binding the port between our pick and PostgreSQL's own bind.
        try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PrimitiveIterator.OfInt ports = IntStream.concat(IntStream.of(squatter.getLocalPort()),
                    IntStream.generate(LoopbackPorts::pick)).iterator();

            try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(ports::nextInt).start();
                 Connection connection = postgres.connect()) {
                assertNotEquals(squatter.getLocalPort(), postgres.port());
                assertEquals(postgres.dataDirectory().toString(), query(connection, "SHOW data_directory"));
            }
        }
    }

    @Test
    void recoversCommittedDataAfterBeingKilled() throws SQLException {
        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer().start()) {
            execute(postgres, "CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (7)");

            postgres.kill();
            assertFalse(postgres.isRunning());

            postgres.start();
            try (Connection connection = postgres.connect()) {
                assertEquals("7", query(connection, "SELECT id FROM survivor"));
            }
        }
    }

    @Test
    void closeDeletesTheDataButKeepsTheLog() {
        EmbeddedPostgresServer postgres = new EmbeddedPostgresServer().start();
        postgres.close();

        assertFalse(Files.exists(postgres.dataDirectory()));
        assertTrue(Files.exists(postgres.logFile()));
    }

    @ParameterizedTest
    @EnumSource(EmbeddedPostgresServer.Durability.class)
    void runsWithTheSettingsOfItsDurability(EmbeddedPostgresServer.Durability durability) throws SQLException {
        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(durability).start();
             Connection connection = postgres.connect()) {
            for (String setting : durability.settings()) {
                String name = setting.substring(0, setting.indexOf('='));
                assertEquals(setting, name + "=" + query(connection, "SHOW " + name));
            }
        }
    }

    @Test
    void isFastUnlessAskedToBeDurable() {
        assertEquals(EmbeddedPostgresServer.Durability.FAST, new EmbeddedPostgresServer().durability());
    }

    @ParameterizedTest
    @EnumSource(value = PrivilegeDrop.class, names = {"USER_NAMESPACE", "SETPRIV_NOBODY"})
    @EnabledIf("dev.outbox.embedded.postgres.PrivilegeDrop#runningAsRoot")
    void runsAsRootThroughEachRouteWithoutRootPrivileges(PrivilegeDrop route) throws Exception {
        assumeTrue(route != PrivilegeDrop.USER_NAMESPACE || PrivilegeDrop.userNamespacesAllowed(),
                "user namespaces are not allowed here");
        try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(route).start();
             Connection connection = postgres.connect()) {
            assertEquals("logical", query(connection, "SHOW wal_level"));

            ProcessHandle postmaster = postgres.processTree().stream()
                    .filter(process -> process.info().command().orElse("").endsWith("/bin/postgres"))
                    .findFirst().orElseThrow();
            if (route == PrivilegeDrop.SETPRIV_NOBODY) {
                assertEquals(NOBODY, uidOf(postmaster));
                assertEquals(NOBODY, Files.getAttribute(postgres.dataDirectory(), "unix:uid"));
            } else {
                assertNotEquals(userNamespaceOf(ProcessHandle.current()), userNamespaceOf(postmaster));
            }
        }
    }

    private static void execute(PostgresServer postgres, String sql) throws SQLException {
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next(), sql);
            return rows.getString(1);
        }
    }

    private static int uidOf(ProcessHandle process) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .map(line -> Integer.parseInt(line.split("\\s+")[2])) // real, effective, saved, filesystem
                .findFirst().orElseThrow();
    }

    private static Path userNamespaceOf(ProcessHandle process) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "ns", "user"));
    }
}
