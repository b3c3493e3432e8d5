package dev.outbox.search.query;

import dev.outbox.search.index.HostileQueries;
import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.SearchWorld;
import dev.outbox.search.support.Words;
import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Events on a real Kafka topic, a real Lucene index on disk, queries over HTTP. */
@QuarkusTest
@WithTestResource(SearchWorld.class)
class SearchIT {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    BlogEvents events;

    @BeforeEach
    void producer() {
        events = new BlogEvents(SearchWorld.TOPIC);
    }

    @AfterEach
    void closeProducer() {
        events.close();
    }

    @Test
    void aPublishedBlogIsFoundByATitleWordAndByABodyWord() {
        String titleWord = Words.unique();
        String bodyWord = Words.unique();
        Blog blog = newBlog("Why " + titleWord + " matters", "Because " + bodyWord + " is delegated.");

        events.published(blog);

        awaitIds(titleWord, List.of(blog.id()));
        JsonPath found = search(bodyWord);
        assertThat(found.getLong("results[0].blog_id")).isEqualTo(blog.id());
        assertThat(found.getString("results[0].body_highlight")).contains("<mark>" + bodyWord + "</mark>");
        assertThat(found.getString("results[0].title")).isEqualTo(blog.title());
    }

    @Test
    void anUpdateIsFoundByItsNewTextAndNoLongerByItsOldText() {
        String oldWord = Words.unique();
        String newWord = Words.unique();
        Blog v1 = newBlog("Draft", "Mentions " + oldWord);
        events.published(v1);
        awaitIds(oldWord, List.of(v1.id()));

        events.updated(v1.next("Final", "Mentions " + newWord));

        awaitIds(newWord, List.of(v1.id()));
        assertThat(ids(oldWord)).isEmpty();
        assertThat(search(newWord).getLong("results[0].version")).isEqualTo(2);
    }

    @Test
    void aDeletedBlogIsNoLongerFound() {
        String word = Words.unique();
        Blog blog = newBlog("Short-lived " + word, "Soon gone");
        events.published(blog);
        awaitIds(word, List.of(blog.id()));

        events.deleted(blog.id(), blog.author(), 2);

        awaitIds(word, List.of());
    }

    @Test
    void redeliveredAndStaleEventsLeaveTheNewestVersionIndexed() {
        String oldWord = Words.unique();
        String newWord = Words.unique();
        Blog v1 = newBlog("First", oldWord);
        Blog v2 = v1.next("Second", newWord);
        UUID publishId = events.published(v1);
        UUID updateId = events.updated(v2);

        events.send(updateId, "BlogUpdated", v2);
        events.send(publishId, "BlogPublished", v1);
        String markerWord = Words.unique();
        Blog marker = new Blog(IDS.incrementAndGet(), v1.author(), 1, "Marker", markerWord, List.of());
        events.published(marker);

        // Same author, same partition: once the marker is searchable every event before it was applied.
        awaitIds(markerWord, List.of(marker.id()));
        assertThat(ids(oldWord)).isEmpty();
        assertThat(ids(newWord)).containsExactly(v1.id());
        assertThat(search(newWord).getString("results[0].title")).isEqualTo("Second");
        RestAssured.get("/q/metrics").then().body(containsString("search_events_skipped_total"));
    }

    @Test
    void poisonEventsGoToTheDeadLetterTopicAndTheEventsBehindThemAreIndexed() {
        long author = IDS.incrementAndGet();
        events.raw(Long.toString(author), "{not json", UUID.randomUUID().toString());
        events.raw(Long.toString(author), """
                {"event_type": "BlogLiked", "blog_id": 1, "author_id": 1, "version": 1}""", UUID.randomUUID().toString());
        events.published(new Blog(IDS.incrementAndGet(), author, 1, "Immense tag", "body", List.of("t".repeat(40_000))));
        events.raw(Long.toString(author), """
                {"event_type": "BlogDeleted", "blog_id": 1, "author_id": 1, "version": 1}""", "not-a-uuid");
        String word = Words.unique();
        Blog behind = new Blog(IDS.incrementAndGet(), author, 1, "Behind the poison", word, List.of());
        events.published(behind);

        awaitIds(word, List.of(behind.id()));
        List<String> reasons = deadLetterReasons(author);
        assertThat(reasons).anyMatch(reason -> reason.startsWith("payload is not JSON"));
        assertThat(reasons).anyMatch(reason -> reason.contains("unknown event type 'BlogLiked'"));
        assertThat(reasons).anyMatch(reason -> reason.contains("longer than the index's term limit"));
        assertThat(reasons).anyMatch(reason -> reason.contains("'not-a-uuid' is not a UUID"));
    }

    @Test
    void titleMatchesRankAboveBodyMatchesAndFiltersNarrowTheHits() {
        String word = Words.unique();
        Blog inBody = newBlog("Notes", "All about " + word + " and more");
        Blog inTitle = new Blog(IDS.incrementAndGet(), inBody.author(), 1, word + " explained", "Notes",
                List.of("Kafka"));
        Blog otherAuthor = newBlog("Elsewhere", word);
        events.published(inBody);
        events.published(inTitle);
        events.published(otherAuthor);

        await().atMost(DEADLINE).until(() -> search(word).getLong("total_hits") == 3);
        assertThat(ids(word)).startsWith(inTitle.id()).containsExactlyInAnyOrder(inTitle.id(), inBody.id(),
                otherAuthor.id());
        assertThat(idsOf(RestAssured.given().queryParam("q", word).queryParam("author", inBody.author())
                .get("/search").jsonPath())).containsExactly(inTitle.id(), inBody.id());
        assertThat(idsOf(RestAssured.given().queryParam("q", word).queryParam("tag", "kafka")
                .get("/search").jsonPath())).containsExactly(inTitle.id());
        JsonPath secondPage = RestAssured.given().queryParam("q", word).queryParam("size", 2).queryParam("page", 2)
                .get("/search").jsonPath();
        assertThat(secondPage.getLong("total_hits")).isEqualTo(3);
        assertThat(idsOf(secondPage)).hasSize(1);
    }

    @Test
    void malformedOrHostileQueriesAreBadRequestsWithAProblemDetail() {
        badRequest(Map.of("q", "kafka AND"), "q", "Cannot parse");
        badRequest(Map.of("q", "/.*(a|aa)*$/"), "q", "Regular expressions are not supported");
        badRequest(Map.of("q", "secret:field"), "q", "'secret' is not a searchable field");
        badRequest(Map.of("q", "x".repeat(500)), "q", "limit is 200");
        badRequest(Map.of("q", "kafka", "size", "100000"), "size", "at most 100");
        badRequest(Map.of("q", "kafka", "page", "-1"), "page", "at least 1");
        badRequest(Map.of("q", "kafka", "page", "0"), "page", "at least 1");
        badRequest(Map.of("q", "kafka", "page", "abc"), "page", "whole number");
        badRequest(Map.of("q", "kafka", "page", "500", "size", "10"), "page", "beyond result 1000");
        badRequest(Map.of("author", "-3"), "author", "at least 1");
    }

    /**
     * Each must be a 400 naming the parameter, never a 500 or an allocation sized by the client. The blogs give the
     * fuzzy and prefix terms something to expand to, as they would have in a real index.
     */
    /**
     * Generated queries, most of them hostile: query syntax fragments, hostile text and odd parameters in random
     * combinations. Never a 5xx; a refusal is problem+json. Seeded: {@code -Doutbox.fuzz.seed} replays a run,
     * {@code -Doutbox.fuzz.requests} sets its size (1,500 by default, 20,000 with {@code -Pfaults}).
     */
    @Test
    void generatedQueriesNeverFailOnTheServer() {
        long seed = Long.getLong("outbox.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> fragments = List.of("kafka", "outbox", "\"", "(", ")", "~", "~2", "^", "^2", "^1e40", "*", "?",
                "title:", "body:", "tag:", "AND", "OR", "NOT", "+", "-", "!", "&&", "||", "[", "]", "{", "}", "/", "\\",
                ":", "a*", "ab*", "x".repeat(300) + "~2", "\u0000", "\u202e", "\ud800", "😀", "%", "' or 1=1", "TO",
                "[a TO z]", "/re.*gex/", "word~0.5", " ", "   ");
        List<String> numbers = List.of("", "0", "1", "-1", "10", "100", "101", "1000", "1.5", "abc", "1e3",
                "2147483648", "9223372036854775807", "99999999999999999999");
        int requests = Integer.getInteger("outbox.fuzz.requests", 1_500);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < requests && wrong.size() < 10; i++) {
            StringBuilder q = new StringBuilder();
            for (int term = random.nextInt(8); term >= 0; term--) {
                q.append(fragments.get(random.nextInt(fragments.size()))).append(random.nextBoolean() ? " " : "");
            }
            Map<String, String> parameters = new HashMap<>(Map.of("q", q.toString()));
            for (String name : List.of("page", "size", "author", "tag")) {
                if (random.nextInt(4) == 0) {
                    parameters.put(name, numbers.get(random.nextInt(numbers.size())));
                }
            }
            var answer = RestAssured.given().queryParams(parameters).get("/search");
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            if (answer.statusCode() >= 500 || (answer.statusCode() >= 400
                    && !answer.contentType().startsWith("application/problem+json"))) {
                wrong.add(parameters + " -> " + answer.statusCode() + " " + answer.body().asString());
            }
        }
        System.out.printf("Fuzzed search with seed %d: answers by status %s%n", seed, statuses);
        assertThat(wrong).as("seed %d", seed).isEmpty();
        assertThat(statuses).as("seed %d: some generated queries are valid", seed).containsKey(200);
    }

    @Test
    void hostileQueriesAreBadRequestsNeverFailuresOrHugeAllocations() {
        String marker = Words.unique();
        events.published(newBlog("Similar words " + marker, HostileQueries.similarWords()));
        events.published(newBlog("A long word", HostileQueries.LONG_WORD));
        await().atMost(DEADLINE).until(() -> search(marker).getLong("total_hits") == 1
                && search(HostileQueries.LONG_WORD).getLong("total_hits") == 1);

        // The parameter at fault, then the request.
        List<Map.Entry<String, Map<String, String>>> requests = new ArrayList<>();
        HostileQueries.texts().forEach(text -> requests.add(Map.entry("q", Map.of("q", text))));
        // page × size overflows a long; with the second the int window Lucene sizes its queue by is 2,147,483,592.
        requests.add(Map.entry("page", Map.of("q", "a", "page", "92233720368547759", "size", "100")));
        requests.add(Map.entry("page", Map.of("q", "a", "page", "92233720390022594", "size", "100")));
        requests.add(Map.entry("page", Map.of("page", Long.toString(Long.MAX_VALUE), "size", "100")));
        requests.add(Map.entry("page", Map.of("page", Long.toString(Integer.MAX_VALUE), "size", "1")));
        requests.add(Map.entry("page", Map.of("page", "99999999999999999999")));
        requests.add(Map.entry("size", Map.of("size", "99999999999999999999")));
        requests.add(Map.entry("size", Map.of("size", Long.toString(Long.MAX_VALUE))));
        requests.add(Map.entry("author", Map.of("author", "99999999999999999999")));
        requests.add(Map.entry("author", Map.of("author", "1e3")));
        requests.add(Map.entry("page", Map.of("page", "1.5")));

        // All of them, so a failure lists every request that got through rather than the first.
        List<String> notRefused = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> request : requests) {
            var answer = RestAssured.given().queryParams(request.getValue()).get("/search");
            if (answer.statusCode() != 400 || !answer.contentType().startsWith("application/problem+json")
                    || !"/problems/invalid-query".equals(answer.jsonPath().getString("type"))
                    || !request.getKey().equals(answer.jsonPath().getString("errors[0].parameter"))) {
                notRefused.add(request.getValue() + " -> " + answer.statusCode() + " " + answer.body().asString());
            }
        }
        assertThat(notRefused).isEmpty();
    }

    @Test
    void aSecondMemberInTheLuceneGroupMakesTheInstanceUnreadyAndSaysWhy() {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "search",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> second = new KafkaConsumer<>(settings)) {
            second.subscribe(List.of(SearchWorld.TOPIC));
            // It commits nothing: once it leaves, the indexer goes on from the group's offsets.
            await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> {
                second.poll(Duration.ofMillis(100));
                RestAssured.get("/q/health/ready").then().statusCode(503)
                        .body("checks.find { it.name == 'search-group' }.status", equalTo("DOWN"))
                        .body("checks.find { it.name == 'search-group' }.data.members", equalTo(2))
                        .body("checks.find { it.name == 'search-group' }.data.reason",
                                containsString("a Lucene index is per process"));
            });
        }
        await().atMost(DEADLINE).untilAsserted(() -> RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'search-group' }.data.members", equalTo(1)));
    }

    @Test
    void reportsHealthAndIndexMetrics() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'search-backend' }.data.backend", equalTo("lucene"));
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("search_index_documents"))
                .body(containsString("search_events_applied_total"))
                .body(containsString("search_consumer_lag"));
        RestAssured.get("/index").then().statusCode(200).body("positions", notNullValue());
    }

    private void badRequest(Map<String, String> parameters, String parameter, String reason) {
        RestAssured.given().queryParams(parameters).get("/search").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", equalTo("/problems/invalid-query"))
                .body("errors[0].parameter", equalTo(parameter))
                .body("errors[0].reason", containsString(reason))
                .body("detail", containsString(reason))
                .body("instance", equalTo("/search"));
    }

    private Blog newBlog(String title, String body) {
        return new Blog(IDS.incrementAndGet(), IDS.incrementAndGet(), 1, title, body, List.of());
    }

    private static JsonPath search(String q) {
        return RestAssured.given().queryParam("q", q).get("/search").then().statusCode(200).extract().jsonPath();
    }

    private static List<Long> ids(String q) {
        return idsOf(search(q));
    }

    private static List<Long> idsOf(JsonPath page) {
        return page.getList("results.blog_id", Long.class);
    }

    private static void awaitIds(String q, List<Long> expected) {
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ids(q)).isEqualTo(expected));
    }

    /** The reasons of the (four) poison events sent under {@code authorKey}. */
    private static List<String> deadLetterReasons(long authorKey) {
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            dlq.subscribe(List.of(SearchWorld.DEAD_LETTER_TOPIC));
            List<String> reasons = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<String, String> record : dlq.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(Long.toString(authorKey))) {
                        reasons.add(new String(record.headers().lastHeader("dlq.reason").value(),
                                StandardCharsets.UTF_8));
                    }
                }
                return reasons.size() >= 4;
            });
            return reasons;
        }
    }
}
