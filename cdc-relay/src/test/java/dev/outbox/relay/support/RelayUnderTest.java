package dev.outbox.relay.support;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.testsupport.SharedInfrastructure;

import java.util.HashMap;
import java.util.Map;

/**
 * One test class's relay world on the shared servers: its own database, slot, publication, offsets topic and
 * events topic, so test classes cannot see each other's events.
 */
public final class RelayUnderTest {

    public final String name;
    public final RelayDatabase database;
    public final KafkaServer kafka;
    public final String eventsTopic;
    public final String deadLetterTopic;

    private RelayUnderTest(String name) {
        this.name = name;
        this.database = RelayDatabase.create(name);
        this.kafka = SharedInfrastructure.kafka();
        this.eventsTopic = "blog.events-" + name;
        this.deadLetterTopic = "outbox.relay.dlq-" + name;
        kafka.createTopic(eventsTopic, 3);
        kafka.createTopic(deadLetterTopic, 1);
    }

    public static RelayUnderTest named(String name) {
        return new RelayUnderTest(name);
    }

    public RelayProcess startRelay(Map<String, String> extraSettings) {
        return launchRelay(extraSettings).awaitReady();
    }

    /** Starts a relay of this world without waiting for it to be ready. */
    public RelayProcess launchRelay(Map<String, String> extraSettings) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "relay.slot-name", name,
                "relay.publication-name", name,
                "relay.offsets-topic", name + ".offsets",
                "relay.topic-suffix", ".events-" + name,
                "relay.dead-letter-topic", deadLetterTopic));
        settings.putAll(extraSettings);
        return RelayProcess.launch(database.jdbcUrl(), database.username(), database.password(),
                kafka.bootstrapServers(), settings);
    }

    public TopicReader reader() {
        return new TopicReader(kafka.bootstrapServers(), eventsTopic);
    }

    /** Frees the slot so the shared server does not keep WAL for a relay that is gone. */
    public void dropSlot() {
        database.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '"
                + name + "'");
    }
}
