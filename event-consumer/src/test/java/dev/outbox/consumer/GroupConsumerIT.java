package dev.outbox.consumer;

import dev.outbox.contract.EventHeaders;
import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.testsupport.SharedInfrastructure;
import dev.outbox.tracing.ServiceTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group members on a real broker: offsets move only past batches the handler applied, nothing polled during a
 * retry is lost to a rebalance, poison is dead-lettered once, a member that cannot go on says so, and each measures
 * how fresh it keeps the group.
 */
class GroupConsumerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final KafkaServer kafka = SharedInfrastructure.kafka();
    private final List<GroupConsumer<String>> members = new ArrayList<>();
    private final Map<GroupConsumer<String>, MeterRegistry> metrics = new HashMap<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private String topic;

    @BeforeEach
    void topic(TestInfo test) {
        topic = "events-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void stopMembers() throws InterruptedException {
        for (GroupConsumer<String> member : members) {
            member.stop();
        }
    }

    @Test
    void commitsOffsetsOnlyAfterTheHandlerAppliedAndDeadLettersPoison() throws Exception {
        Store store = new Store();
        createTopics(1);
        send(0, "one", "poison", "two");
        start(store, Map.of());

        await().atMost(DEADLINE).until(() -> committed() == 3);
        assertThat(store.applied()).containsExactly("one", "two");
        assertThat(deadLetters()).as("records in the dead-letter topic").isEqualTo(1);
    }

    @Test
    void aBatchStillFailingWhenStoppedIsNotCommitted() throws Exception {
        Store store = new Store();
        store.failing(true);
        createTopics(1);
        send(0, "one", "two");
        GroupConsumer<String> member = start(store, Map.of());
        await().atMost(DEADLINE).until(() -> store.attempts() >= 2);
        assertThat(member.isReady()).isFalse();

        member.stop();

        assertThat(committed()).as("offsets committed for a batch never applied").isZero();
    }

    /**
     * A rebalance during a retry un-pauses partitions and resets positions: records polled while waiting must be
     * put back, not dropped (they were, and the next commit moved past them).
     */
    @Test
    void membersJoiningAndLeavingWhileABatchIsRetriedLoseNoEvent() throws Exception {
        Store store = new Store();
        store.failing(true);
        createTopics(4);
        List<String> sent = new ArrayList<>(sendHundred(1));
        Map<String, String> smallBatches = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        GroupConsumer<String> first = start(store, smallBatches);
        await().atMost(DEADLINE).until(() -> store.attempts() >= 2);
        // Behind the failing batch's partition, on partitions fetched before it after a rebalance.
        for (int partition : new int[] {0, 2, 3}) {
            sent.addAll(sendHundred(partition));
        }

        GroupConsumer<String> second = start(store, smallBatches);
        await("the second member took partitions").atMost(DEADLINE)
                .until(() -> !second.assignment().isEmpty() && first.assignment().size() < 4);
        int afterJoin = store.attempts();
        await("retried after the join").atMost(DEADLINE).until(() -> store.attempts() >= afterJoin + 2);
        second.stop();
        await("the first member took all partitions back").atMost(DEADLINE)
                .until(() -> first.assignment().size() == 4);
        int afterLeave = store.attempts();
        await("retried after the leave").atMost(DEADLINE).until(() -> store.attempts() >= afterLeave + 2);
        store.failing(false);

        await("every event applied and committed").atMost(DEADLINE).until(() -> committed() == sent.size());
        assertThat(store.applied()).as("events applied, each once").containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void anEventThatFailsAloneIsDeadLetteredOnceAndTheRestOfItsBatchApplied() throws Exception {
        Store store = new Store();
        store.failing(true);
        createTopics(1);
        send(0, "one", "two", "rejected", "three", "unreadable", "four", "five");
        start(store, Map.of());
        await().atMost(DEADLINE).until(() -> store.attempts() >= 3);
        store.failing(false);

        await().atMost(DEADLINE).until(() -> committed() == 7);
        assertThat(store.applied()).containsExactly("one", "two", "three", "four", "five");
        assertThat(deadLetters()).as("each poison event dead-lettered once, however often its batch was retried")
                .isEqualTo(2);
    }

    @Test
    void membersBeyondThePartitionCountAreReadyIdleStandbys() throws Exception {
        createTopics(1);
        GroupConsumer<String> first = start(new Store(), Map.of());
        await().atMost(DEADLINE).until(() -> first.isReady() && !first.isIdle());
        GroupConsumer<String> second = start(new Store(), Map.of());

        await().atMost(DEADLINE).until(() -> second.isReady() && first.isReady());
        assertThat(first.isIdle() ^ second.isIdle()).as("exactly one member idle").isTrue();
        HealthCheckResponse standby = MemberReadiness.of("test", first.isIdle() ? first : second);
        assertThat(standby.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(standby.getData()).hasValue(Map.of("partitions", "[]", "idle", true, "lag", 0L));
    }

    @Test
    void aMemberThatCannotGoOnSaysSoAndAnotherCatchesUp() throws Exception {
        createTopics(1);
        send(0, "one", "two");
        Store store = new Store();
        store.fatal(true);
        GroupConsumer<String> broken = start(store, Map.of());

        await().atMost(DEADLINE).until(() -> failures.size() == 1);
        assertThat(failures.get(0)).isInstanceOf(AssertionError.class);
        assertThat(MemberReadiness.of("test", broken).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(committed()).isZero();

        store.fatal(false);
        start(store, Map.of());
        await().atMost(DEADLINE).until(() -> committed() == 2);
        assertThat(store.applied()).containsExactly("one", "two");
    }

    @Test
    void aFailureToFindWhereToStartIsReported() {
        createTopics(1);
        start(new Store() {
            @Override
            public Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> assigned) {
                throw new IllegalStateException("the store cannot say where it stopped");
            }
        }, Map.of());

        await().atMost(DEADLINE).until(() -> failures.size() == 1);
        assertThat(failures.get(0)).hasStackTraceContaining("the store cannot say where it stopped");
    }

    @Test
    void aPollThatFailsIsReported() {
        createTopics(1);
        send(0, "one");
        // A new group with no reset policy: the poll itself throws.
        start(new Store(), Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));

        await().atMost(DEADLINE).until(() -> failures.size() == 1);
        assertThat(failures.get(0)).isInstanceOf(NoOffsetForPartitionException.class);
    }

    /** Kicked out of the group mid-batch (too slow), its commit is refused: the member goes on, nothing lost. */
    @Test
    void aRefusedCommitLeavesTheMemberRunningAndTheEventsRedeliveredAndSkipped() throws Exception {
        createTopics(1);
        send(0, "one", "two");
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch kickedOut = new CountDownLatch(1);
        Store store = new Store() {
            @Override
            public Applied apply(List<String> events, Map<TopicPartition, Long> nextOffsets) throws Exception {
                applying.countDown();
                if (!kickedOut.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("never kicked out");
                }
                return super.apply(events, nextOffsets);
            }
        };
        GroupConsumer<String> member = start(store, Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "2000"));
        await("the slow member left the group").atMost(DEADLINE).until(() -> applying.getCount() == 0 && groupIsEmpty());
        kickedOut.countDown();

        await().atMost(DEADLINE).until(() -> committed() == 2);
        assertThat(store.applied()).containsExactly("one", "two");
        assertThat(store.skipped()).as("redelivered after the refused commit").isEqualTo(2);
        assertThat(failures).isEmpty();
        assertThat(member.isReady()).isTrue();
    }

    /**
     * A member that stops without leaving (a crash, or a static member's shutdown) and comes back under its instance
     * id gets its partitions back at once, and the rest of the group is not rebalanced for it.
     */
    @Test
    void aMemberRestartedUnderItsInstanceIdTakesBackItsPartitionsWithoutARebalance() throws Exception {
        Store store = new Store();
        AtomicInteger rebalancesOfTheOther = new AtomicInteger();
        Store other = new Store() {
            @Override
            public Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> assigned) {
                rebalancesOfTheOther.incrementAndGet();
                return Map.of();
            }
        };
        createTopics(2);
        GroupConsumer<String> first = start(store, Map.of(), Optional.of("member-1"));
        GroupConsumer<String> second = start(other, Map.of(), Optional.of("member-2"));
        await("both members own a partition").atMost(DEADLINE)
                .until(() -> first.assignment().size() == 1 && second.assignment().size() == 1);
        Set<TopicPartition> firstOwned = first.assignment();
        int rebalancesBefore = rebalancesOfTheOther.get();

        first.stop();
        long restartedAt = System.nanoTime();
        GroupConsumer<String> restarted = start(store, Map.of(), Optional.of("member-1"));
        await("the restart owns the first member's partition").atMost(Duration.ofSeconds(3))
                .until(() -> restarted.assignment().equals(firstOwned));
        System.out.printf("restarted member owned its partition %d ms after it started%n",
                (System.nanoTime() - restartedAt) / 1_000_000);

        send(0, "zero");
        send(1, "one");
        await().atMost(DEADLINE).until(() -> store.applied().size() + other.applied().size() == 2);
        assertThat(other.applied()).hasSize(1);
        assertThat(rebalancesOfTheOther.get()).as("rebalances the other member went through").isEqualTo(rebalancesBefore);
        assertThat(failures).isEmpty();
    }

    /**
     * Freshness is measured from the relay's commit time, not from the poll; a member holding a batch it cannot apply
     * grows stale, and reads 0 once the batch is applied and nothing more comes. The offset commit tells the relay
     * when the last applied event committed and was applied.
     */
    @Test
    void aHeldBatchGrowsStaleAndEachAppliedEventCountsItsFreshnessFromItsCommit() throws Exception {
        Store store = new Store();
        store.failing(true);
        createTopics(1);
        long aMinuteAgo = System.currentTimeMillis() - 60_000;
        sendCommittedAt(0, aMinuteAgo, "one");
        send(0, "relayed-before-the-header");
        sendCommittedAt(0, aMinuteAgo + 30_000, "two");
        MeterRegistry registry = metrics.get(start(store, Map.of()));
        Timer freshness = registry.get("test.freshness.seconds").timer();

        await("the held batch is as stale as its oldest event").atMost(DEADLINE)
                .until(() -> staleness(registry) >= 60);
        double held = staleness(registry);
        await("and staler as it waits").atMost(DEADLINE).until(() -> staleness(registry) > held);
        assertThat(freshness.count()).as("freshness of events not applied").isZero();

        store.failing(false);
        await().atMost(DEADLINE).until(() -> committed() == 3);
        assertThat(freshness.count()).as("applied events with a commit time").isEqualTo(2);
        assertThat(registry.get("kafka.consumer.fetch.manager.records.consumed.total").functionCounter().count())
                .as("the Kafka consumer's own figures, bound to the member's registry").isGreaterThanOrEqualTo(3);
        assertThat(freshness.max(TimeUnit.SECONDS)).as("commit to applied of the oldest, s").isBetween(60.0, 120.0);
        await("caught up and idle").atMost(DEADLINE).until(() -> staleness(registry) == 0);
        try (Admin admin = kafka.admin()) {
            String metadata = admin.listConsumerGroupOffsets(topic + "-group").partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0)).metadata();
            assertThat(FreshnessMetadata.parse(metadata).map(FreshnessMetadata::committedAtMillis))
                    .as("the commit's metadata (%s): the last applied event's commit time", metadata)
                    .hasValue(aMinuteAgo + 30_000);
        }
    }

    /** Redelivered after a crash, an event the handler held already counts in no freshness: its age is not its delay. */
    @Test
    void aRedeliveredEventCountsInNoFreshness() throws Exception {
        Store store = new Store();
        store.seen.add("applied-before-a-crash");
        createTopics(1);
        sendCommittedAt(0, System.currentTimeMillis() - 60_000, "applied-before-a-crash");
        sendCommittedAt(0, System.currentTimeMillis(), "new");
        MeterRegistry registry = metrics.get(start(store, Map.of()));

        await().atMost(DEADLINE).until(() -> committed() == 2);
        Timer freshness = registry.get("test.freshness.seconds").timer();
        assertThat(freshness.count()).as("events new to the store").isEqualTo(1);
        assertThat(freshness.max(TimeUnit.SECONDS)).as("commit to applied of the new one, s").isLessThan(30);
        assertThat(store.skipped.get()).isEqualTo(1);
    }

    private static double staleness(MeterRegistry registry) {
        return registry.get("test.staleness.seconds").gauge().value();
    }

    /** The relay copies the publish's traceparent onto the record: the group's work shows in the publish's trace. */
    @Test
    void eachEventCarryingAPublishsTraceContextIsProcessedInAChildSpanOfItWithWhatBecameOfIt() throws Exception {
        String appliedTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String poisonTrace = "0af7651916cd43dd8448eb211c80319c";
        createTopics(1);
        sendWithHeaders("one", "event-1", "00-" + appliedTrace + "-00f067aa0ba902b7-01");
        sendWithHeaders("two", "event-2", null);
        sendWithHeaders("poison", "event-3", "00-" + poisonTrace + "-b7ad6b7169203331-01");
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        Map<String, SpanData> byTrace = new HashMap<>();
        // Closing the SDK empties the in-memory exporter: the spans are read before.
        try (OpenTelemetrySdk tracing = ServiceTracing.recordingTo("test-consumer", SimpleSpanProcessor.create(exported), 1)) {
            start(new Store(), Map.of(), Optional.empty(), tracing);

            await().atMost(DEADLINE).until(() -> committed() == 3 && exported.getFinishedSpanItems().size() == 2);
            exported.getFinishedSpanItems().forEach(span -> byTrace.put(span.getTraceId(), span));
        }

        assertThat(byTrace).as("one span per traced event, none for the untraced one").containsOnlyKeys(appliedTrace,
                poisonTrace);
        SpanData applied = byTrace.get(appliedTrace);
        assertThat(applied.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(applied.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(applied.getName()).isEqualTo("process " + topic);
        assertThat(applied.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
                .isEqualTo(topic + "-group");
        assertThat(applied.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo("event-1");
        assertThat(applied.getAttributes().get(AttributeKey.stringKey(BatchSpans.OUTCOME))).isEqualTo("applied");
        SpanData poison = byTrace.get(poisonTrace);
        assertThat(poison.getAttributes().get(AttributeKey.stringKey(BatchSpans.OUTCOME))).isEqualTo("dead-lettered");
        assertThat(poison.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(poison.getStatus().getDescription()).contains("poison for the test");
    }

    private GroupConsumer<String> start(Store store, Map<String, String> consumerSettings) {
        return start(store, consumerSettings, Optional.empty());
    }

    private GroupConsumer<String> start(Store store, Map<String, String> consumerSettings, Optional<String> instanceId) {
        return start(store, consumerSettings, instanceId, OpenTelemetry.noop());
    }

    private GroupConsumer<String> start(Store store, Map<String, String> consumerSettings, Optional<String> instanceId,
                                        OpenTelemetry tracing) {
        MeterRegistry registry = new SimpleMeterRegistry();
        GroupConsumer<String> member = new GroupConsumer<>(new ConsumerSettings("test", kafka.bootstrapServers(),
                topic, topic + ".dlq", topic + "-group", instanceId, Duration.ofMillis(400), consumerSettings,
                Map.of()), store, registry, tracing, failures::add);
        members.add(member);
        metrics.put(member, registry);
        member.start();
        return member;
    }

    /** Records as the relay writes them: the event id, and the publish's trace context when it had one. */
    private void sendWithHeaders(String value, String eventId, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.ID, eventId.getBytes(StandardCharsets.UTF_8));
        if (traceparent != null) {
            headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, (String) null, value, headers));
        }
    }

    private void createTopics(int partitions) {
        kafka.createTopic(topic, partitions);
        kafka.createTopic(topic + ".dlq", 1);
    }

    private List<String> sendHundred(int partition) {
        String[] values = IntStream.range(0, 100).mapToObj(i -> "p" + partition + "-" + i).toArray(String[]::new);
        send(partition, values);
        return List.of(values);
    }

    private void send(int partition, String... values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, partition, null, value));
            }
        }
    }

    /** Sends records as the relay does, with the commit time of their source transaction. */
    private void sendCommittedAt(int partition, long committedAtMillis, String... values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (String value : values) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, null, value);
                record.headers().add(EventHeaders.COMMITTED_AT,
                        Long.toString(committedAtMillis).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
    }

    /** The group's committed offsets summed over the topic's partitions. */
    private long committed() throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.listConsumerGroupOffsets(topic + "-group").partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private boolean groupIsEmpty() throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.describeConsumerGroups(List.of(topic + "-group")).all().get(10, TimeUnit.SECONDS)
                    .get(topic + "-group").members().isEmpty();
        }
    }

    private long deadLetters() throws Exception {
        TopicPartition partition = new TopicPartition(topic + ".dlq", 0);
        try (Admin admin = kafka.admin()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS)
                    .get(partition).offset();
        }
    }

    /**
     * A store shared by the members of a group, deduplicating as the real handlers do. "poison" cannot be read,
     * "unreadable" fails reading in an unexpected way, "rejected" fails applying for a reason of its own.
     */
    private static class Store implements EventHandler<String> {

        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private final List<String> applied = new CopyOnWriteArrayList<>();
        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();
        private final AtomicReference<String> mode = new AtomicReference<>("working");

        @Override
        public String read(ConsumerRecord<byte[], byte[]> record) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (value.equals("poison")) {
                throw new PoisonEventException("poison for the test");
            }
            if (value.equals("unreadable")) {
                throw new NullPointerException("a reader's bug");
            }
            return value;
        }

        @Override
        public Applied apply(List<String> events, Map<TopicPartition, Long> nextOffsets) throws Exception {
            attempts.incrementAndGet();
            switch (mode.get()) {
                case "failing" -> throw new IOException("the store is down");
                case "fatal" -> throw new AssertionError("the store is broken for good");
                default -> {
                }
            }
            if (events.contains("rejected")) {
                throw new IllegalArgumentException("the store refuses 'rejected'");
            }
            int fresh = 0;
            BitSet held = new BitSet();
            for (int i = 0; i < events.size(); i++) {
                if (seen.add(events.get(i))) {
                    applied.add(events.get(i));
                    fresh++;
                } else {
                    held.set(i);
                }
            }
            skipped.addAndGet(events.size() - fresh);
            return new Applied(fresh, events.size() - fresh, held);
        }

        @Override
        public boolean isTransient(Exception failure) {
            return !(failure instanceof IllegalArgumentException);
        }

        void failing(boolean failing) {
            mode.set(failing ? "failing" : "working");
        }

        void fatal(boolean fatal) {
            mode.set(fatal ? "fatal" : "working");
        }

        int attempts() {
            return attempts.get();
        }

        int skipped() {
            return skipped.get();
        }

        List<String> applied() {
            return applied;
        }
    }
}
