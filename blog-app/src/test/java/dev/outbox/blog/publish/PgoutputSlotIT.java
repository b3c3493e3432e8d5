package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's view of a publish: a {@code pgoutput} slot on a publication of the outbox table alone
 * receives the event (pgoutput sends column values as text, so the event id is readable in the stream),
 * and nothing of the blogs table.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PgoutputSlotIT {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void pgoutputSlotOnTheOutboxPublicationSeesThePublishedEvent() throws SQLException {
        execute("create publication pgoutput_it for table outbox");
        execute("select pg_create_logical_replication_slot('pgoutput_it', 'pgoutput')");
        try {
            Api.Author author = Api.newAuthor();
            String title = "Seen by the relay " + author.handle();
            Api.publish(author, title, "Body");

            String stream = decodedStream();

            assertThat(stream).contains("BlogPublished").contains("\"aggregate_id\": \"" + author.id() + "\"");
            assertThat(stream).contains("\"title\": \"" + title + "\"");
            assertThat(stream).as("the blogs table is not in the publication").doesNotContain("blogs\u0000");
        } finally {
            execute("select pg_drop_replication_slot('pgoutput_it')");
            execute("drop publication pgoutput_it");
        }
    }

    private String decodedStream() throws SQLException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     select data from pg_logical_slot_peek_binary_changes('pgoutput_it', null, null,
                         'proto_version', '1', 'publication_names', 'pgoutput_it')""")) {
            while (rows.next()) {
                bytes.writeBytes(rows.getBytes(1));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
