package dev.outbox.deploy;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.embedded.postgres.BlogAppSchema;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.testsupport.SharedInfrastructure;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The compose file's database setup on a real Postgres, without Docker: the roles script and the setup script the
 * containers run, blog-app's migration as the blog role, then the packaged relay and analytics-consumer as their
 * least-privilege roles. An outbox row must reach Kafka and be counted, and neither role may do more than its job.
 */
class LeastPrivilegeIT {

    private static final Path ROOT = Path.of("..");
    private static final Map<String, String> ROLES = Map.of(
            "blog_user", "blog", "blog_password", "blog-secret",
            "relay_user", "relay", "relay_password", "relay-secret",
            "analytics_user", "analytics", "analytics_password", "analytics-secret");
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final PostgresServer postgres = SharedInfrastructure.postgres();
    private final KafkaServer kafka = SharedInfrastructure.kafka();

    @Test
    void theRelayAndAnalyticsRunWithOnlyTheGrantsTheSetupGivesThem() throws Exception {
        createRolesAndDatabase();
        try (Connection blog = as("blog")) {
            BlogAppSchema.apply(blog, ROOT);
        }
        try (Connection superuser = postgres.connect("blog")) {
            new PsqlScript(Files.readString(ROOT.resolve("deploy/postgres/setup/relay-and-analytics.sql")), Map.of(
                    "publication", "outbox_relay", "relay_user", "relay", "analytics_user", "analytics"))
                    .run(superuser, this::connectAsSuperuser);
        }
        kafka.createTopic("blog.events", 3);
        kafka.createTopic("blog.events.dlq", 1);

        try (QuarkusAppProcess relay = launch("cdc-relay", "relay");
             QuarkusAppProcess analytics = launch("analytics-consumer", "analytics")) {
            relay.awaitReady();
            analytics.awaitReady();
            long author = publishOneBlog();

            await("the blog counted").atMost(DEADLINE).until(() -> totalBlogs(author) == 1);
        }
        try (Connection relay = as("relay"); Statement statement = relay.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("select * from public.users"))
                    .hasMessageContaining("permission denied");
        }
        try (Connection analytics = as("analytics"); Statement statement = analytics.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("update public.users set handle = 'mallory'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeQuery("select title from public.blogs"))
                    .hasMessageContaining("permission denied");
        }
    }

    private void createRolesAndDatabase() throws IOException, SQLException {
        String script = PsqlScript.hereDocument(Files.readString(ROOT.resolve("deploy/postgres/initdb/10-roles.sh")));
        try (Connection superuser = postgres.connect(PostgresServer.MAINTENANCE_DATABASE)) {
            new PsqlScript(script, ROLES).run(superuser, this::connectAsSuperuser);
        }
    }

    private QuarkusAppProcess launch(String module, String role) {
        return QuarkusAppProcess.launch(module + "-least-privilege",
                ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"), List.of("-Xmx256m"), Map.of(
                        "quarkus.datasource.jdbc.url", postgres.jdbcUrl("blog"),
                        "quarkus.datasource.username", role,
                        "quarkus.datasource.password", ROLES.get(role + "_password"),
                        "kafka.bootstrap.servers", kafka.bootstrapServers()),
                Path.of("target", module + "-least-privilege.log"));
    }

    /** What blog-app's publish does, as the blog role: the author, and one outbox row inserted and deleted. */
    private long publishOneBlog() throws SQLException {
        try (Connection blog = as("blog")) {
            blog.setAutoCommit(false);
            long author;
            try (PreparedStatement user = blog.prepareStatement(
                    "insert into users (handle, display_name) values ('ada', 'Ada') returning id");
                 ResultSet row = user.executeQuery()) {
                row.next();
                author = row.getLong(1);
            }
            UUID id = UUID.randomUUID();
            try (PreparedStatement outbox = blog.prepareStatement("""
                    insert into outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, schema_version)
                    values (?, 'blog', ?, 'BlogPublished', ?::jsonb, now(), 1)""")) {
                outbox.setObject(1, id);
                outbox.setString(2, Long.toString(author));
                outbox.setString(3, """
                        {"event_id": "%s", "event_type": "BlogPublished", "schema_version": 1, "aggregate_id": "%d",
                         "blog_id": 1, "author_id": %d, "title": "t", "body": "b", "tags": [], "version": 1}"""
                        .formatted(id, author, author));
                outbox.executeUpdate();
            }
            try (PreparedStatement delete = blog.prepareStatement("delete from outbox where id = ?")) {
                delete.setObject(1, id);
                delete.executeUpdate();
            }
            blog.commit();
            return author;
        }
    }

    private long totalBlogs(long author) throws SQLException {
        try (Connection superuser = postgres.connect("blog");
             PreparedStatement query = superuser.prepareStatement("select total_blogs from users where id = ?")) {
            query.setLong(1, author);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private Connection as(String role) throws SQLException {
        return PostgresServer.connect(postgres.jdbcUrl("blog"), role, ROLES.get(role + "_password"));
    }

    private Connection connectAsSuperuser(String database) {
        try {
            return postgres.connect(database);
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
