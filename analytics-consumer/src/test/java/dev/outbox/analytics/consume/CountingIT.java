package dev.outbox.analytics.consume;

import dev.outbox.analytics.count.ProcessedEventsRetention;
import dev.outbox.analytics.support.AnalyticsWorld;
import dev.outbox.analytics.support.BlogEvents;
import dev.outbox.testsupport.SharedInfrastructure;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

@QuarkusTest
@WithTestResource(AnalyticsWorld.class)
class CountingIT {

    private static final AtomicLong BLOG_IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ProcessedEventsRetention retention;

    BlogEvents events;

    @BeforeEach
    void producer() {
        events = new BlogEvents();
    }

    @AfterEach
    void closeProducer() {
        events.close();
    }

    @Test
    void countsEachBlogOnceWhenTheEventIsRedelivered() throws Exception {
        long author = newAuthor();
        UUID eventId = UUID.randomUUID();
        long blog = BLOG_IDS.incrementAndGet();

        events.send(eventId, "BlogPublished", author, blog);
        events.send(eventId, "BlogPublished", author, blog);
        events.send(eventId, "BlogPublished", author, blog);
        long marker = BLOG_IDS.incrementAndGet();
        events.published(author, marker);
        events.flush();

        awaitTotal(author, 2);
        assertThat(isCounted(marker)).isTrue();
        RestAssured.get("/q/metrics").then().body(containsString("analytics_events_skipped_total"));
    }

    @Test
    void totalsEqualEachAuthorsLiveBlogsAfterAThousandPublishesAndSomeDeletes() throws Exception {
        List<Long> authors = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            authors.add(newAuthor());
        }
        Random random = new Random(42);
        Map<Long, Long> live = new HashMap<>();
        List<long[]> published = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            long author = authors.get(random.nextInt(authors.size()));
            long blog = BLOG_IDS.incrementAndGet();
            events.published(author, blog);
            events.updated(author, blog);
            published.add(new long[] {author, blog});
            live.merge(author, 1L, Long::sum);
        }
        for (int i = 0; i < published.size(); i += 7) {
            long[] deleted = published.get(i);
            events.deleted(deleted[0], deleted[1]);
            live.merge(deleted[0], -1L, Long::sum);
        }
        events.flush();

        await("every total exact").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    for (long author : authors) {
                        assertThat(totalBlogs(author)).as("author %d", author).isEqualTo(live.getOrDefault(author, 0L));
                    }
                });
    }

    @Test
    void aPoisonEventGoesToTheDeadLetterTopicWithItsReasonAndTheEventsBehindItAreApplied() throws Exception {
        long author = newAuthor();
        String key = Long.toString(author);
        events.raw(key, "{this is not json", UUID.randomUUID().toString());
        events.raw(key, "{\"event_id\": \"" + UUID.randomUUID() + "\", \"event_type\": \"BlogLiked\", \"blog_id\": 1, "
                + "\"author_id\": " + author + "}", null);
        events.published(author, BLOG_IDS.incrementAndGet());
        events.flush();

        awaitTotal(author, 1);
        List<ConsumerRecord<String, String>> deadLetters = deadLettersFor(key, 2);
        assertThat(deadLetters).extracting(r -> header(r, "dlq.reason"))
                .anySatisfy(reason -> assertThat(reason).startsWith("payload is not JSON"))
                .anySatisfy(reason -> assertThat(reason).isEqualTo("unknown event type 'BlogLiked'"));
        assertThat(deadLetters).allSatisfy(r -> {
            assertThat(header(r, "dlq.source.topic")).isEqualTo(AnalyticsWorld.TOPIC);
            assertThat(header(r, "dlq.consumer.group")).isEqualTo("analytics");
            assertThat(header(r, "dlq.source.offset")).isNotBlank();
        });
        assertThat(deadLetters.get(0).value()).isEqualTo("{this is not json");
    }

    @Test
    void aDatabaseOutageDelaysTheCountsButSkipsNoEvent() throws Exception {
        long author = newAuthor();
        var postgres = SharedInfrastructure.postgres();
        postgres.stop();
        try {
            for (int i = 0; i < 20; i++) {
                events.published(author, BLOG_IDS.incrementAndGet());
            }
            events.flush();
            await("not ready while the database is down").atMost(Duration.ofSeconds(30))
                    .until(() -> RestAssured.get("/q/health/ready").statusCode() == 503);
        } finally {
            postgres.start();
        }

        awaitTotal(author, 20);
        await("ready again").atMost(Duration.ofSeconds(30))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void processedIdsOlderThanTheRetentionAreForgottenAndNewerOnesKept() throws Exception {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into analytics.processed_events (consumer_group, event_id, processed_at)
                     values ('retention-test', ?, now() - interval '9 days'), ('retention-test', ?, now())""")) {
            insert.setObject(1, old);
            insert.setObject(2, recent);
            insert.executeUpdate();
        }

        retention.forgetExpired();

        assertThat(isProcessed(old)).isFalse();
        assertThat(isProcessed(recent)).isTrue();
    }

    @Test
    void readinessIsUpOnceThePartitionsAreAssigned() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                RestAssured.get("/q/health/ready").then().statusCode(200).body(containsString("blog.events-")));
    }

    private long newAuthor() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return AnalyticsWorld.newAuthor(connection);
        }
    }

    private void awaitTotal(long author, long expected) {
        await("total_blogs of " + author).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> totalBlogs(author) == expected);
    }

    private long totalBlogs(long author) throws SQLException {
        return single("select total_blogs from users where id = ?", author);
    }

    private boolean isProcessed(UUID eventId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "select count(*) from analytics.processed_events where event_id = ?")) {
            query.setObject(1, eventId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1) == 1;
            }
        }
    }

    private boolean isCounted(long blog) throws SQLException {
        return single("select count(*) from analytics.counted_blogs where blog_id = ?", blog) == 1;
    }

    private long single(String sql, long parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static List<ConsumerRecord<String, String>> deadLettersFor(String key, int count) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(AnalyticsWorld.DEAD_LETTER_TOPIC));
            await("dead letters for " + key).atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return found.size() >= count;
            });
        }
        return found;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
