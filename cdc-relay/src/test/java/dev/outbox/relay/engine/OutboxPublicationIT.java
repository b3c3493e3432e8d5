package dev.outbox.relay.engine;

import dev.outbox.relay.support.RelayDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay's publication, on a real Postgres: inserts and updates of the outbox and heartbeat table, no deletes. */
class OutboxPublicationIT {

    private static final String TABLES = "public.outbox, public.publication_heartbeat";
    private static RelayDatabase database;

    @BeforeAll
    static void database() {
        database = RelayDatabase.create("outbox_publication_it");
        database.execute("create table publication_heartbeat (id integer primary key, beat_at timestamptz not null)");
    }

    @Test
    void aMissingPublicationIsCreatedWithTheTablesAndWithoutDeletes() throws SQLException {
        try (Connection connection = database.connect()) {
            OutboxPublication.ensureWithoutDeletes(connection, "created_pub", TABLES);

            assertThat(published(connection, "created_pub")).isEqualTo("insert=true update=true delete=false truncate=false");
            assertThat(tables(connection, "created_pub")).isEqualTo("outbox,publication_heartbeat");
        }
    }

    @Test
    void anOwnPublicationThatPublishesDeletesIsAlteredAndKeepsItsTables() throws SQLException {
        try (Connection connection = database.connect()) {
            execute(connection, "create publication altered_pub for table " + TABLES);
            assertThat(published(connection, "altered_pub")).contains("delete=true");

            OutboxPublication.ensureWithoutDeletes(connection, "altered_pub", TABLES);
            OutboxPublication.ensureWithoutDeletes(connection, "altered_pub", TABLES);

            assertThat(published(connection, "altered_pub")).isEqualTo("insert=true update=true delete=false truncate=false");
            assertThat(tables(connection, "altered_pub")).isEqualTo("outbox,publication_heartbeat");
        }
    }

    @Test
    void aPublicationOfAnotherOwnerIsLeftAsItIsAndTheRelayStillStarts() throws SQLException {
        try (Connection admin = database.connect()) {
            execute(admin, "create publication foreign_pub for table " + TABLES);
            execute(admin, "do $$ begin if not exists (select 1 from pg_roles where rolname = 'publication_reader') then "
                    + "create role publication_reader login password 'reader'; end if; end $$");
            execute(admin, "set role publication_reader");
            try {
                OutboxPublication.ensureWithoutDeletes(admin, "foreign_pub", TABLES);
            } finally {
                execute(admin, "reset role");
            }
            assertThat(published(admin, "foreign_pub")).contains("delete=true");
        }
    }

    private static String published(Connection connection, String publication) throws SQLException {
        try (Statement select = connection.createStatement();
             ResultSet row = select.executeQuery("select pubinsert, pubupdate, pubdelete, pubtruncate from pg_publication"
                     + " where pubname = '" + publication + "'")) {
            assertThat(row.next()).as("publication %s exists", publication).isTrue();
            return "insert=" + row.getBoolean(1) + " update=" + row.getBoolean(2) + " delete=" + row.getBoolean(3)
                    + " truncate=" + row.getBoolean(4);
        }
    }

    private static String tables(Connection connection, String publication) throws SQLException {
        try (Statement select = connection.createStatement();
             ResultSet row = select.executeQuery("select string_agg(tablename, ',' order by tablename)"
                     + " from pg_publication_tables where pubname = '" + publication + "'")) {
            row.next();
            return row.getString(1);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
