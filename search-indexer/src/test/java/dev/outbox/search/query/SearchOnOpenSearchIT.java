package dev.outbox.search.query;

import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.OpenSearchWorld;
import dev.outbox.search.support.Words;
import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * The application with {@code search.backend=opensearch}: events on a real Kafka topic, a real OpenSearch node,
 * queries and the rebuild over HTTP. The answers themselves are {@code SearchIndexContract}'s; this is the wiring.
 */
@QuarkusTest
@WithTestResource(OpenSearchWorld.class)
class SearchOnOpenSearchIT {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String OPERATOR = "Bearer test-operator-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void indexesEventsIntoOpenSearchAndRebuildsByMovingTheAlias() {
        String word = Words.unique();
        Blog kept = new Blog(IDS.incrementAndGet(), 7, 1, "Kept " + word, "about <kafka> " + word, List.of("Ops"));
        Blog gone = new Blog(IDS.incrementAndGet(), 7, 1, "Gone " + word, "soon deleted", List.of());
        try (BlogEvents events = new BlogEvents(OpenSearchWorld.TOPIC)) {
            events.published(kept);
            events.published(gone);
            events.updated(kept.next("Kept " + word, "updated <kafka> " + word));
            events.deleted(gone.id(), gone.author(), 2);
            events.published(kept); // stale: version 1 after version 2
            events.raw("7", "not json", null);
        }

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ids(word)).containsExactly(kept.id()));
        JsonPath page = search(word);
        assertThat(page.getLong("results[0].version")).isEqualTo(2);
        assertThat(page.getString("results[0].body_highlight")).isEqualTo("updated &lt;kafka&gt; <mark>" + word + "</mark>");
        assertThat(page.getList("results[0].tags", String.class)).containsExactly("ops");
        String generation = RestAssured.get("/index").then().statusCode(200)
                .body("positions", nullValue()).extract().path("generation");
        RestAssured.given().queryParam("q", "kafka^1e40").get("/search").then().statusCode(400)
                .body("type", equalTo("/problems/invalid-query"));
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'search-backend' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'search-backend' }.data.backend", equalTo("opensearch"));
        assertThat(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("search_opensearch_bulk_seconds_count{outcome=\"ok\"")
                .contains("search_opensearch_bulk_seconds_bucket{outcome=\"ok\"");

        RestAssured.given().header("Authorization", OPERATOR).post("/index/rebuild").then().statusCode(202);
        await().atMost(DEADLINE).untilAsserted(() -> RestAssured.get("/index").then()
                .body("generation", equalTo(nextGeneration(generation))));
        assertThat(ids(word)).as("the rebuilt generation, through the moved alias").containsExactly(kept.id());
        assertThat(search(word).getLong("results[0].version")).isEqualTo(2);
    }

    /**
     * The live generation deleted by hand: queries answer 503 and the consumer's writes wait (they must not create an
     * index named like the alias, which OpenSearch's default {@code action.auto_create_index} would do for a write
     * to a missing name); the operator's rebuild brings every blog back from the topic.
     */
    @Test
    void aLostIndexAnswers503UntilTheOperatorsRebuildBringsItBack() throws Exception {
        String word = Words.unique();
        Blog before = new Blog(IDS.incrementAndGet(), 8, 1, "Before " + word, "indexed " + word, List.of());
        Blog during = new Blog(IDS.incrementAndGet(), 8, 1, "During " + word, "while lost " + word, List.of());
        try (BlogEvents events = new BlogEvents(OpenSearchWorld.TOPIC)) {
            events.published(before);
        }
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ids(word)).containsExactly(before.id()));
        String generation = RestAssured.get("/index").then().statusCode(200).extract().path("generation");

        // OpenSearch's default, which the test node turns off.
        clusterSetting("action.auto_create_index", "true");
        try {
            assertThat(openSearch("DELETE", "/" + generation).statusCode()).isEqualTo(200);
            RestAssured.given().queryParam("q", word).get("/search").then().statusCode(503)
                    .header("Retry-After", "5").body("type", equalTo("/problems/index-unavailable"));
            RestAssured.get("/index").then().statusCode(503);
            RestAssured.get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'search-backend' }.status", equalTo("DOWN"));

            double retriedBefore = retriedDocuments();
            try (BlogEvents events = new BlogEvents(OpenSearchWorld.TOPIC)) {
                events.published(during);
            }
            await().atMost(DEADLINE).until(() -> retriedDocuments() > retriedBefore);
            assertThat(openSearch("HEAD", "/" + OpenSearchWorld.ALIAS).statusCode())
                    .as("no index named like the alias").isEqualTo(404);
        } finally {
            clusterSetting("action.auto_create_index", null);
        }

        RestAssured.given().header("Authorization", OPERATOR).post("/index/rebuild").then().statusCode(202);
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(ids(word)).containsExactlyInAnyOrder(before.id(), during.id()));
        // Once the consumer's retried batch passed through the alias again (skipped: the rebuild has it).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                RestAssured.get("/q/health/ready").then().statusCode(200));
    }

    private static String nextGeneration(String generation) {
        int number = Integer.parseInt(generation.substring(generation.lastIndexOf('-') + 1));
        return OpenSearchWorld.ALIAS + "-%06d".formatted(number + 1);
    }

    private static double retriedDocuments() {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("search_opensearch_bulk_failed_documents_total{")
                        && line.contains("reason=\"retried\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static void clusterSetting(String key, String value) throws Exception {
        String body = "{\"persistent\": {\"" + key + "\": " + (value == null ? "null" : "\"" + value + "\"") + "}}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(SharedInfrastructure.openSearch().url() + "/_cluster/settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static HttpResponse<String> openSearch(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(SharedInfrastructure.openSearch().url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonPath search(String q) {
        return RestAssured.given().queryParam("q", q).get("/search").then().statusCode(200).extract().jsonPath();
    }

    private static List<Long> ids(String q) {
        return search(q).getList("results.blog_id", Long.class);
    }
}
