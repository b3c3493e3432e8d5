package dev.outbox.relay.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.relay.support.RelayDatabase.WrittenEvent;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import dev.outbox.relay.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.outbox.relay.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged relay on one database: every event arrives once, in order, with its headers; outbox rows that can
 * never become events go to the relay's dead-letter topic and the rows behind them still arrive; a consumer group's
 * dead letters are listed and replayed once through {@code /dead-letters}, with the operator token only.
 */
class RelayDeliveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPERATOR_TOKEN = "delivery-operator-token-0123456789";
    /** The consumer groups' dead-letter topic, which the relay lists and replays from. */
    private static final String CONSUMER_DEAD_LETTERS = "blog.events.dlq-delivery";

    static RelayUnderTest world;
    static RelayProcess relay;

    @BeforeAll
    static void startRelay() {
        world = RelayUnderTest.named("delivery");
        // Lets a test write rows that break the contract, as a migration gone wrong or another writer would.
        world.database.execute("alter table outbox alter column payload drop not null");
        world.kafka.createTopic(CONSUMER_DEAD_LETTERS, 1);
        relay = world.startRelay(Map.of("relay.operator-token", OPERATOR_TOKEN,
                "relay.consumer-dead-letter-topic", CONSUMER_DEAD_LETTERS));
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

    /**
     * blog-app writes the publish's trace context into the row; the relay, exporting nothing here, passes it on
     * unchanged as the W3C header the consumers continue the trace from. A row without one gets no header.
     */
    @Test
    void thePublishsTraceContextInTheOutboxRowArrivesAsATraceparentHeader() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        UUID traced = world.database.insertTracedRow("88", "traceparent=" + traceparent + "\n");
        UUID untraced = world.database.publish(List.of("88"), 1).get(0).id();

        Map<UUID, ConsumerRecord<String, String>> byId = new HashMap<>();
        try (TopicReader reader = world.reader()) {
            reader.readUntil(read -> read.stream().filter(r -> r.key().equals("88")).count() >= 2, DEADLINE)
                    .stream().filter(r -> r.key().equals("88"))
                    .forEach(r -> byId.put(UUID.fromString(header(r, "id")), r));
        }

        assertThat(header(byId.get(traced), "traceparent")).isEqualTo(traceparent);
        assertThat(byId.get(traced).headers()).noneMatch(h -> h.key().equals("tracingspancontext"));
        assertThat(byId.get(untraced).headers().lastHeader("traceparent")).isNull();
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

    @Test
    void aConsumerGroupsDeadLetterIsListedAndReplayedOnceAndOnlyWithTheOperatorToken() throws Exception {
        // Not the relay's events topic, which the other tests read: the dead letter says where it came from.
        String source = "blog.events-delivery-replayed";
        world.kafka.createTopic(source, 3);
        String group = "analytics-delivery";
        String eventId = UUID.randomUUID().toString();
        String payload = "{\"event_id\":\"" + eventId + "\",\"event_type\":\"BlogUpdated\",\"blog_id\":5}";
        deadLetter(group, source, eventId, payload);

        HttpResponse<String> anonymous = call("GET", "/dead-letters", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge ->
                assertThat(challenge).startsWith("Bearer"));
        assertProblem(anonymous, 401, "/problems/unauthenticated");
        assertProblem(call("POST", "/dead-letters/replay?group=" + group, "not-the-operator-token"), 401,
                "/problems/unauthenticated");
        assertThat(assertProblem(call("GET", "/dead-letters?since=yesterday", OPERATOR_TOKEN), 400,
                "/problems/invalid-request").get("detail").asText()).contains("'yesterday'");
        assertThat(assertProblem(call("GET", "/dead-letters?group=no-such-group", OPERATOR_TOKEN), 404,
                "/problems/unknown-group").get("detail").asText()).contains(group);
        assertProblem(call("POST", "/dead-letters/replay", OPERATOR_TOKEN), 400, "/problems/invalid-request");
        assertProblem(call("POST", "/dead-letters/replay?group=" + group + "&event_id=" + UUID.randomUUID(),
                OPERATOR_TOKEN), 404, "/problems/no-dead-letter-matched");

        JsonNode listed = json(call("GET", "/dead-letters?group=" + group, OPERATOR_TOKEN), 200);
        assertThat(listed.get("count").asInt()).isEqualTo(1);
        assertThat(listed.get("not_replayed").asInt()).isEqualTo(1);
        JsonNode deadLetter = listed.at("/dead_letters/0");
        assertThat(deadLetter.get("event_id").asText()).isEqualTo(eventId);
        assertThat(deadLetter.get("event_type").asText()).isEqualTo("BlogUpdated");
        assertThat(deadLetter.get("source").asText()).isEqualTo(source + "-2@7");
        assertThat(deadLetter.get("reason").asText()).isEqualTo("applying it failed: a bug");
        assertThat(deadLetter.get("payload").asText()).isEqualTo(payload);
        assertThat(deadLetter.get("replay").isNull()).as("not replayed yet").isTrue();

        JsonNode replay = json(call("POST", "/dead-letters/replay?group=" + group + "&since=1h", OPERATOR_TOKEN), 200);
        assertThat(replay.get("replayed")).hasSize(1);
        assertThat(replay.at("/replayed/0/replay/to").asText()).startsWith(source + "-2@");
        assertThat(replay.get("already_replayed")).isEmpty();
        try (TopicReader reader = new TopicReader(world.kafka.bootstrapServers(), source)) {
            ConsumerRecord<String, String> replayed = reader.readUntil(read -> !read.isEmpty(), DEADLINE).get(0);
            assertThat(replayed.partition()).isEqualTo(2);
            assertThat(replayed.key()).isEqualTo("42");
            assertThat(replayed.value()).isEqualTo(payload);
            assertThat(header(replayed, "id")).isEqualTo(eventId);
            assertThat(header(replayed, "ce_type")).isEqualTo("dev.outbox.blog.BlogUpdated");
            assertThat(header(replayed, "dlq.replayed-from")).isEqualTo(CONSUMER_DEAD_LETTERS + "-0@0");
            assertThat(header(replayed, "dlq.reason")).isNull();
        }
        // Refused before anything is published (ConsumerProcessIT checks that the topic's end stays put).
        assertProblem(call("POST", "/dead-letters/replay?group=" + group, OPERATOR_TOKEN), 409,
                "/problems/already-replayed");
        JsonNode after = json(call("GET", "/dead-letters?group=" + group, OPERATOR_TOKEN), 200);
        assertThat(after.get("not_replayed").asInt()).isZero();
        assertThat(after.at("/dead_letters/0/replay/to").asText()).startsWith(source + "-2@");
        assertThat(call("GET", "/q/openapi", null).body()).contains("/dead-letters/replay",
                "/problems/already-replayed", "scheme: bearer");
    }

    private static HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(relay.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(DEADLINE);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as("status of %s: %s", response.uri(), response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = json(response, status);
        assertThat(problem.get("type").asText()).isEqualTo(type);
        return problem;
    }

    /** A dead letter as a consumer group writes one: the event as received, and where it was and why it failed. */
    private static void deadLetter(String group, String source, String eventId, String payload) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        Map.of("id", eventId, "eventType", "BlogUpdated", "ce_type", "dev.outbox.blog.BlogUpdated",
                "dlq.reason", "applying it failed: a bug", "dlq.source.topic", source, "dlq.source.partition", "2",
                "dlq.source.offset", "7", "dlq.consumer.group", group,
                "dlq.dead-lettered-at", Instant.now().toString())
                .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, world.kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(CONSUMER_DEAD_LETTERS, 0, null, "42", payload, headers))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
