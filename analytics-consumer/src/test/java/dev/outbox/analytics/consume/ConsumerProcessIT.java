package dev.outbox.analytics.consume;

import dev.outbox.analytics.support.AnalyticsWorld;
import dev.outbox.analytics.support.BlogEvents;
import dev.outbox.consumer.deadletter.DeadLetter;
import dev.outbox.consumer.deadletter.DeadLetterSelection;
import dev.outbox.consumer.deadletter.DeadLetterTopic;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.testsupport.SharedInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The packaged consumer as real processes: restarted without its offsets committed, killed mid-backlog, run twice
 * in one group, and with its dead letters replayed after a fix. Every total must stay exact.
 */
class ConsumerProcessIT {

    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final AtomicLong BLOG_IDS = new AtomicLong(1_000_000_000L + System.nanoTime() % 1_000_000_000L);

    String database;
    String topic;
    String group;
    Map<String, String> settings;
    List<Long> authors;
    Map<Long, Long> live;
    long eventsSent;

    @BeforeEach
    void world(TestInfo test) throws SQLException {
        String name = "proc_" + test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 16);
        database = name;
        topic = "blog.events-" + name;
        settings = new HashMap<>(AnalyticsWorld.create(database, topic, topic + ".dlq"));
        // A group of its own: another test class's in-JVM consumer may still be a member of "analytics".
        group = "analytics-" + name;
        settings.put("analytics.group-id", group);
        authors = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            authors.add(newAuthor());
        }
        live = new HashMap<>();
    }

    /**
     * Restarted under the same instance id (static membership), the member owns its partitions again as soon as it
     * joins: no waiting for the killed process's session to time out.
     */
    @Test
    void killedWhileDrainingABacklogItResumesWithExactTotals() throws Exception {
        publishAndDelete(1_500);
        settings.put("analytics.consumer.max.poll.records", "10");
        settings.put("analytics.instance-id", group + "-1");
        try (QuarkusAppProcess consumer = start()) {
            await("some applied").atMost(Duration.ofSeconds(60))
                    .until(() -> metric(consumer, "analytics_events_applied_total") > 0);
            consumer.kill();
        }
        assertThat(processedEvents()).as("killed mid-backlog").isLessThan(eventsSent);

        try (QuarkusAppProcess consumer = QuarkusAppProcess.launch("analytics-" + STARTS.incrementAndGet(), settings)) {
            long launched = System.nanoTime();
            consumer.awaitReady(Duration.ofSeconds(30));
            System.out.printf("restarted under its instance id: owned its partitions %d ms after launch%n",
                    (System.nanoTime() - launched) / 1_000_000);
            assertThat(consumer.body("/q/health/ready")).contains(topic + "-0", topic + "-1", topic + "-2");
            awaitExactTotals();
        }
    }

    /**
     * Then both stop and the group is rewound, as a crash between the database commit and the offset commit leaves
     * it: everything is redelivered to the restart, which counts nothing twice.
     */
    @Test
    void twoInstancesShareThePartitionsAndARestartThatDidNotCommitOffsetsCountsNothingTwice() throws Exception {
        try (QuarkusAppProcess first = QuarkusAppProcess.launch("analytics-" + STARTS.incrementAndGet(), settings);
             QuarkusAppProcess second = QuarkusAppProcess.launch("analytics-" + STARTS.incrementAndGet(), settings)) {
            // Started side by side: the second's join rebalances the group once both are up.
            first.awaitReady();
            second.awaitReady();
            await("both own partitions").atMost(Duration.ofSeconds(60)).until(() ->
                    first.body("/q/health/ready").contains(topic + "-")
                            && second.body("/q/health/ready").contains(topic + "-"));

            publishAndDelete(1_000);

            awaitExactTotals();
            assertThat(metric(first, "analytics_events_applied_total")).isPositive();
            assertThat(metric(second, "analytics_events_applied_total")).isPositive();
            assertThat(metric(first, "analytics_freshness_seconds_count")
                    + metric(second, "analytics_freshness_seconds_count")).isPositive();
        }
        rewindGroupToTheBeginning();

        try (QuarkusAppProcess consumer = start()) {
            await("every event redelivered and skipped").atMost(Duration.ofSeconds(60))
                    .until(() -> metric(consumer, "analytics_events_skipped_total") >= eventsSent);
            assertExactTotals();
            assertThat(metric(consumer, "analytics_freshness_seconds_count"))
                    .as("redelivered events, applied before: no freshness of theirs").isZero();
        }
    }

    /**
     * Also the dead letters an operator acts on: the restart has a bug (simulated by rejecting a type), its deletes go
     * to the dead-letter topic; once fixed (restarted without the setting) they are replayed and count exactly once.
     */
    @Test
    void aConsumerThatCannotGoOnExitsNonZeroAndItsRestartCatchesUpReplayedDeadLettersIncluded() throws Exception {
        publishAndDelete(300);
        Map<String, String> failing = new HashMap<>(settings);
        // A group without committed offsets and no reset policy: the first poll throws, as any unexpected failure
        // of the consumer loop would.
        failing.put("analytics.consumer.auto.offset.reset", "none");
        try (QuarkusAppProcess consumer = QuarkusAppProcess.launch("analytics-" + STARTS.incrementAndGet(), failing)) {
            await("the process exits").atMost(Duration.ofSeconds(60)).until(() -> !consumer.isAlive());
            assertThat(consumer.exitCode()).as("exit code").hasValue(1);
            assertThat(consumer.log()).contains("The analytics consumer cannot go on")
                    .contains("NoOffsetForPartitionException");
        }
        assertThat(processedEvents()).isZero();

        long deletes = eventsSent - 300;
        Map<String, String> buggy = new HashMap<>(settings);
        buggy.put("analytics.reject-event-types", "BlogDeleted");
        try (QuarkusAppProcess restarted = start(buggy)) {
            await("caught up but for the deletes").atMost(Duration.ofSeconds(60)).until(() ->
                    metric(restarted, "analytics_events_dead_lettered_total") >= deletes && processedEvents() == 300);
        }
        DeadLetterTopic deadLetters = new DeadLetterTopic(SharedInfrastructure.kafka().bootstrapServers(),
                topic + ".dlq", Map.of());
        DeadLetterSelection groupsOwn = DeadLetterSelection.parse(group, List.of(), null, Instant.now());
        List<DeadLetter> listed = deadLetters.list(groupsOwn);
        assertThat(listed).hasSize((int) deletes).allSatisfy(deadLetter -> {
            assertThat(deadLetter.eventType()).isEqualTo("BlogDeleted");
            assertThat(deadLetter.reason()).contains("analytics.reject-event-types");
            assertThat(deadLetter.source().topic()).isEqualTo(topic);
            assertThat(deadLetter.replay()).isEmpty();
        });

        try (QuarkusAppProcess fixed = start()) {
            DeadLetterTopic.Replayed replayed = deadLetters.replay(groupsOwn);
            assertThat(replayed.replayed()).hasSize((int) deletes);
            assertThat(replayed.alreadyReplayed()).isEmpty();
            awaitExactTotals();
            await("every replayed event applied").atMost(Duration.ofSeconds(30))
                    .until(() -> metric(fixed, "analytics_events_applied_total") >= deletes);
            assertThat(processedEvents()).isEqualTo(eventsSent);

            long topicEnd = endOffsets(topic);
            assertThatThrownBy(() -> deadLetters.replay(groupsOwn)).as("a second replay")
                    .isInstanceOfSatisfying(DeadLetterTopic.Refused.class, refused ->
                            assertThat(refused.reason()).isEqualTo(DeadLetterTopic.Refused.Reason.ALREADY_REPLAYED));
            assertThat(endOffsets(topic)).as("nothing published by the second replay").isEqualTo(topicEnd);
            assertThat(deadLetters.list(groupsOwn)).allSatisfy(deadLetter ->
                    assertThat(deadLetter.replay()).hasValueSatisfying(replay ->
                            assertThat(replay.to().topic()).isEqualTo(topic)));
            assertThat(metric(fixed, "analytics_events_applied_total")).isEqualTo(deletes);
            assertExactTotals();
        }
    }

    private QuarkusAppProcess start() {
        return start(settings);
    }

    private QuarkusAppProcess start(Map<String, String> with) {
        return QuarkusAppProcess.launch("analytics-" + STARTS.incrementAndGet(), with).awaitReady();
    }

    private static long endOffsets(String topic) throws Exception {
        try (Admin admin = SharedInfrastructure.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, 3).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    /** Publishes {@code count} blogs across the authors, deletes every fifth, and records the truth. */
    private void publishAndDelete(int count) {
        Random random = new Random(count);
        try (BlogEvents events = new BlogEvents(topic)) {
            List<long[]> published = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long author = authors.get(random.nextInt(authors.size()));
                long blog = BLOG_IDS.incrementAndGet();
                events.published(author, blog);
                published.add(new long[] {author, blog});
                live.merge(author, 1L, Long::sum);
                eventsSent++;
            }
            for (int i = 0; i < published.size(); i += 5) {
                events.deleted(published.get(i)[0], published.get(i)[1]);
                live.merge(published.get(i)[0], -1L, Long::sum);
                eventsSent++;
            }
        }
    }

    private void awaitExactTotals() {
        await("every total exact").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(this::assertExactTotals);
    }

    private void assertExactTotals() throws SQLException {
        Map<Long, Long> totals = new HashMap<>();
        try (Connection connection = SharedInfrastructure.postgres().connect(database);
             PreparedStatement query = connection.prepareStatement("select id, total_blogs from users");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                totals.put(rows.getLong(1), rows.getLong(2));
            }
        }
        for (long author : authors) {
            assertThat(totals.get(author)).as("author %d", author).isEqualTo(live.getOrDefault(author, 0L));
        }
    }

    /** What a crash between the database commit and the offset commit leaves behind, for every partition at once. */
    private void rewindGroupToTheBeginning() throws Exception {
        try (Admin admin = SharedInfrastructure.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> earliest = IntStream.range(0, 3).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.earliest()));
            Map<TopicPartition, OffsetAndMetadata> rewind = admin.listOffsets(earliest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(group, rewind).all().get();
        }
    }

    private long processedEvents() throws SQLException {
        try (Connection connection = SharedInfrastructure.postgres().connect(database);
             PreparedStatement query = connection.prepareStatement("select count(*) from analytics.processed_events");
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private long newAuthor() throws SQLException {
        try (Connection connection = SharedInfrastructure.postgres().connect(database)) {
            return AnalyticsWorld.newAuthor(connection);
        }
    }

    private static double metric(QuarkusAppProcess app, String name) {
        return app.body("/q/metrics").lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
