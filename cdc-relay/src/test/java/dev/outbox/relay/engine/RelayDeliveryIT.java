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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay on one database: every event arrives once, in order, with its headers; outbox rows that can
 * never become events go to the relay's dead-letter topic and the rows behind them still arrive.
 */
class RelayDeliveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    static RelayUnderTest world;
    static RelayProcess relay;

    @BeforeAll
    static void startRelay() {
        world = RelayUnderTest.named("delivery");
        // Lets a test write rows that break the contract, as a migration gone wrong or another writer would.
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
    void everyEventArrivesExactlyOnceWithKeyHeadersAndJsonPayloadInCommitOrderPerAuthor() throws Exception {
        List<String> authors = IntStream.rangeClosed(1, 50).mapToObj(i -> Integer.toString(1000 + i)).toList();
        List<WrittenEvent> written = world.database.publish(authors, 100);
        Set<String> writtenIds = written.stream().map(e -> e.id().toString()).collect(Collectors.toSet());

        List<ConsumerRecord<String, String>> records;
        try (TopicReader reader = world.reader()) {
            reader.readUntil(read -> read.stream().map(r -> header(r, "id")).collect(Collectors.toSet())
                    .containsAll(writtenIds), Duration.ofSeconds(90));
            records = reader.readFor(Duration.ofSeconds(2)).stream()
                    .filter(r -> authors.contains(r.key())).toList();
        }

        assertThat(records).hasSize(written.size());
        assertThat(records.stream().map(r -> header(r, "id")).collect(Collectors.toSet())).isEqualTo(writtenIds);
        Map<String, Integer> lastSequenceByAuthor = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            JsonNode payload = JSON.readTree(record.value());
            assertThat(payload.isObject()).as("payload is JSON, not an escaped string: %s", record.value()).isTrue();
            assertThat(record.key()).isEqualTo(payload.get("author_id").asText());
            assertThat(header(record, "id")).isEqualTo(payload.get("event_id").asText());
            assertThat(header(record, "eventType")).isEqualTo("BlogPublished");
            assertThat(header(record, "ce_id")).isEqualTo(header(record, "id"));
            assertThat(header(record, "ce_type")).isEqualTo("dev.outbox.blog.BlogPublished");
            assertThat(header(record, "ce_source")).isEqualTo("/blog-app");
            assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(record.headers()).noneMatch(h -> h.key().startsWith("__debezium"));
            assertThat(Instant.parse(header(record, "ce_time"))).isBefore(Instant.now());
            // The commit comes after the transaction's now() (occurredAt), both in Postgres' clock.
            assertThat(Long.parseLong(header(record, "committedAt"))).as("committedAt, epoch ms")
                    .isBetween(Instant.parse(header(record, "ce_time")).toEpochMilli(), System.currentTimeMillis());
            assertThat(payload.get("title").asText()).isEqualTo("It's \"quoted\"");
            int sequence = payload.get("sequence").asInt();
            Integer previous = lastSequenceByAuthor.put(record.key(), sequence);
            assertThat(sequence).as("author %s in commit order", record.key())
                    .isEqualTo(previous == null ? 0 : previous + 1);
        }
        assertThat(lastSequenceByAuthor).hasSize(authors.size());
    }

    @Test
    void lagReadsZeroWhenCaughtUpAndIdle() throws Exception {
        WrittenEvent event = world.database.publish(List.of("77"), 1).get(0);
        try (TopicReader reader = world.reader()) {
            reader.readUntil(read -> read.stream().anyMatch(r -> UUID.fromString(header(r, "id")).equals(event.id())),
                    Duration.ofSeconds(30));
        }

        JsonNode lag = relay.lag();

        assertThat(lag.get("behind_source_seconds").asDouble()).isZero();
        assertThat(lag.at("/slot/exists").asBoolean()).isTrue();
        assertThat(lag.at("/slot/active").asBoolean()).isTrue();
        assertThat(lag.at("/engine/state").asText()).isEqualTo("STREAMING");
        assertThat(relay.readinessData().get("thread").asText()).startsWith("debezium-engine");
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
            relayed = reader.readUntil(read -> read.stream().filter(r -> r.key().equals("7")).count() >= events.size(),
                    DEADLINE).stream().filter(r -> r.key().equals("7")).map(r -> UUID.fromString(header(r, "id")))
                    .toList();
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
        assertThat(relay.metrics()).as("the producer's own metrics").containsPattern("kafka_producer_record_send_total\\{.*\\} [1-9]");
    }

    /** Any role with REPLICATION (the relay's included) can open a slot that reads every change: it shows. */
    @Test
    void aLogicalSlotThatIsNotTheRelaysIsReported() {
        world.database.execute("select pg_create_logical_replication_slot('delivery_intruder', 'pgoutput')");
        try {
            assertThat(relay.lag().at("/slot/other_logical_slots").toString()).contains("delivery_intruder");
            // The gauges reuse one slot query for a second.
            await().atMost(DEADLINE).until(() -> relay.metrics().matches("(?s).*relay_replication_slots_other [1-9].*"));
        } finally {
            world.database.execute("select pg_drop_replication_slot('delivery_intruder')");
        }
    }
}
