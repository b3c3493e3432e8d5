package dev.outbox.search.query;

import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.OpenSearchWorld;
import dev.outbox.search.support.Words;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

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
        RestAssured.get("/index").then().statusCode(200)
                .body("generation", equalTo(OpenSearchWorld.ALIAS + "-000001"))
                .body("positions", nullValue());
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
                .body("generation", equalTo(OpenSearchWorld.ALIAS + "-000002")));
        assertThat(ids(word)).as("the rebuilt generation, through the moved alias").containsExactly(kept.id());
        assertThat(search(word).getLong("results[0].version")).isEqualTo(2);
    }

    private static JsonPath search(String q) {
        return RestAssured.given().queryParam("q", q).get("/search").then().statusCode(200).extract().jsonPath();
    }

    private static List<Long> ids(String q) {
        return search(q).getList("results.blog_id", Long.class);
    }
}
