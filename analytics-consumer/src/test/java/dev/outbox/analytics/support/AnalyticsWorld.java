package dev.outbox.analytics.support;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.embedded.postgres.BlogAppSchema;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * The world analytics-consumer lives in, on the shared Postgres and Kafka: a blog database with blog-app's own
 * schema (its Flyway migrations, read from the blog-app module, so the tests use the real {@code users} table),
 * and the events and dead-letter topics.
 */
public class AnalyticsWorld implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "analytics_it";
    public static final String TOPIC = "blog.events";
    public static final String DEAD_LETTER_TOPIC = "blog.events.dlq";

    @Override
    public Map<String, String> start() {
        return create(DATABASE, TOPIC, DEAD_LETTER_TOPIC);
    }

    /** Creates a blog database and the two topics; returns the settings that point the consumer at them. */
    public static Map<String, String> create(String database, String topic, String deadLetterTopic) {
        PostgresServer postgres = SharedInfrastructure.postgres();
        String url = postgres.createDatabase(database);
        try (Connection connection = postgres.connect(database)) {
            BlogAppSchema.apply(connection, Path.of(".."));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create blog-app's schema", e);
        }
        KafkaServer kafka = SharedInfrastructure.kafka();
        kafka.createTopic(topic, 3);
        kafka.createTopic(deadLetterTopic, 1);
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", postgres.username(),
                "quarkus.datasource.password", postgres.password(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "analytics.topic", topic,
                "analytics.dead-letter-topic", deadLetterTopic);
    }

    /** Registers an author the way blog-app's sign-up does (a row in {@code users}) and returns its id. */
    public static long newAuthor(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into users (handle, display_name) values (?, 'Author') returning id")) {
            insert.setString(1, "a" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    @Override
    public void stop() {
        // The shared servers close at JVM exit.
    }
}
