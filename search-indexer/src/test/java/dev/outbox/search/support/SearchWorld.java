package dev.outbox.search.support;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The world search-indexer lives in: the events and dead-letter topics on the shared Kafka, and an index folder. */
public class SearchWorld implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "blog.events";
    public static final String DEAD_LETTER_TOPIC = "blog.events.dlq";

    @Override
    public Map<String, String> start() {
        return create(TOPIC, DEAD_LETTER_TOPIC, newIndexDirectory());
    }

    /** Creates the two topics; returns the settings that point the indexer at them and at {@code indexDir}. */
    public static Map<String, String> create(String topic, String deadLetterTopic, Path indexDir) {
        KafkaServer kafka = SharedInfrastructure.kafka();
        kafka.createTopic(topic, 3);
        kafka.createTopic(deadLetterTopic, 1);
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "search.topic", topic,
                "search.dead-letter-topic", deadLetterTopic,
                "search.index-dir", indexDir.toString());
    }

    public static Path newIndexDirectory() {
        try {
            return Files.createTempDirectory(Path.of("target"), "search-index-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The shared Kafka closes at JVM exit; the index folders stay in target/ for a post-mortem.
    }
}
