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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;

class RelayDeliveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    static RelayUnderTest world;
    static RelayProcess relay;

    @BeforeAll
    static void startRelay() {
        world = RelayUnderTest.named("delivery");
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

        assertThat(lag.get("behind_source_millis").asLong()).isZero();
        assertThat(lag.at("/slot/exists").asBoolean()).isTrue();
        assertThat(lag.at("/slot/active").asBoolean()).isTrue();
        assertThat(lag.at("/engine/state").asText()).isEqualTo("STREAMING");
        assertThat(relay.readinessData().get("thread").asText()).startsWith("debezium-engine");
    }
}
