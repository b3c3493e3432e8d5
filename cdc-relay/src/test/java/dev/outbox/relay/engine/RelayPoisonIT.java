package dev.outbox.relay.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay meets outbox rows that can never become events: one it cannot route (no payload) and one Kafka
 * refuses (over {@code max.request.size}). Each goes to the relay's dead-letter topic and the relay goes on: the
 * rows behind them arrive, in order, without a restart.
 */
class RelayPoisonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    static RelayUnderTest world;
    static RelayProcess relay;

    @BeforeAll
    static void startRelay() {
        world = RelayUnderTest.named("poison");
        // A writer that does not follow the contract (a migration gone wrong, another application).
        world.database.execute("alter table outbox alter column payload drop not null");
        relay = world.startRelay(Map.of());
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
        world.dropSlot();
    }

    @Test
    void rowsThatCanNeverBeEventsAreDeadLetteredAndEverythingBehindThemArrivesInOrder() throws Exception {
        List<UUID> events = new ArrayList<>(world.database.publish(List.of("7"), 3).stream()
                .map(WrittenEvent::id).toList());
        UUID unroutable = world.database.insertRow("7", null);
        UUID oversized = world.database.insertRow("7", "{\"blob\": \"" + "x".repeat(1_500_000) + "\"}");
        events.addAll(world.database.publish(List.of("7"), 3).stream().map(WrittenEvent::id).toList());

        List<UUID> relayed;
        try (TopicReader reader = world.reader()) {
            relayed = reader.readUntil(read -> read.size() >= events.size(), DEADLINE).stream()
                    .map(r -> UUID.fromString(header(r, "id"))).toList();
        }
        List<ConsumerRecord<String, String>> deadLetters;
        try (TopicReader reader = new TopicReader(world.kafka.bootstrapServers(), world.deadLetterTopic)) {
            deadLetters = reader.readUntil(read -> read.size() >= 2, DEADLINE);
        }

        assertThat(relayed).as("every event, in commit order").isEqualTo(events);
        assertThat(deadLetters).hasSize(2);
        ConsumerRecord<String, String> first = deadLetters.get(0);
        assertThat(JSON.readTree(first.value()).get("id").asText()).isEqualTo(unroutable.toString());
        assertThat(header(first, "dlq.reason")).startsWith("cannot be routed");
        ConsumerRecord<String, String> second = deadLetters.get(1);
        JsonNode oversizedRow = JSON.readTree(second.value());
        assertThat(oversizedRow.get("id").asText()).isEqualTo(oversized.toString());
        assertThat(header(second, "dlq.reason")).startsWith("refused by Kafka").contains("RecordTooLargeException");
        assertThat(header(second, "dlq.truncated")).startsWith("payload=");
        assertThat(oversizedRow.get("payload").asText()).hasSize(OutboxRouting.DEAD_LETTER_TEXT_LIMIT);
        for (ConsumerRecord<String, String> deadLetter : deadLetters) {
            assertThat(deadLetter.key()).isEqualTo("7");
            assertThat(Long.parseLong(header(deadLetter, "dlq.source.lsn"))).isPositive();
            assertThat(header(deadLetter, "dlq.source.table")).isEqualTo("public.outbox");
        }
        assertThat(Long.parseLong(header(first, "dlq.source.lsn")))
                .isLessThan(Long.parseLong(header(second, "dlq.source.lsn")));
        assertThat(relay.isAlive()).as("the relay went on, no restart").isTrue();
        assertThat(relay.metrics()).contains("relay_events_dead_lettered_total 2.0");
    }

    /** Any role with REPLICATION (the relay's included) can open a slot that reads every change: it shows. */
    @Test
    void aLogicalSlotThatIsNotTheRelaysIsReported() {
        world.database.execute("select pg_create_logical_replication_slot('poison_intruder', 'pgoutput')");
        try {
            assertThat(relay.lag().at("/slot/other_logical_slots").toString()).contains("poison_intruder");
            // The gauges reuse one slot query for a second.
            await().atMost(DEADLINE).until(() -> relay.metrics().matches("(?s).*relay_replication_slots_other [1-9].*"));
        } finally {
            world.database.execute("select pg_drop_replication_slot('poison_intruder')");
        }
    }
}
