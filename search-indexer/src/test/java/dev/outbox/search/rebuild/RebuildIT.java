package dev.outbox.search.rebuild;

import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.SearchWorld;
import dev.outbox.search.support.Words;
import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** A rebuild replays the topic into a fresh index and swaps it in; queries are answered all along. */
@QuarkusTest
@WithTestResource(SearchWorld.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebuildIT {

    private static final AtomicLong IDS = new AtomicLong(2_000_000_000L + System.nanoTime() % 1_000_000_000L);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    @Order(1)
    void aRebuiltIndexAnswersLikeTheLiveOneAndQueriesNeverStop() {
        String word = Words.unique();
        String tag = Words.unique();
        String lateWord = Words.unique();
        int live = 0;
        try (BlogEvents events = new BlogEvents(SearchWorld.TOPIC)) {
            for (int i = 0; i < 300; i++) {
                Blog blog = new Blog(IDS.incrementAndGet(), 1 + i % 30, 1, "Post " + i, "About " + word + " " + i,
                        i % 4 == 0 ? List.of(tag) : List.of());
                events.published(blog);
                if (i % 3 == 0) {
                    events.updated(blog.next("Post " + i + " revised", "Revised, still " + word));
                }
                if (i % 7 == 0) {
                    events.deleted(blog.id(), blog.author(), i % 3 == 0 ? 3 : 2);
                } else {
                    live++;
                }
            }
        }
        int expected = live;
        await().atMost(DEADLINE).until(() -> totalHits(word) == expected);
        Set<String> before = allHits(word);
        JsonPath taggedBefore = search("", tag);
        String liveGeneration = RestAssured.get("/index").jsonPath().getString("generation");

        Response started = operator().post("/index/rebuild");
        started.then().statusCode(202).body("state", equalTo("replaying"));
        assertThat(started.header("Location")).endsWith("/index/rebuild");
        operator().post("/index/rebuild").then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));
        List<Blog> late = new ArrayList<>();
        try (BlogEvents events = new BlogEvents(SearchWorld.TOPIC)) {
            for (int i = 0; i < 20; i++) {
                Blog blog = new Blog(IDS.incrementAndGet(), 1 + i, 1, "Late " + i, lateWord, List.of());
                events.published(blog);
                late.add(blog);
            }
        }
        List<Integer> statusesDuringRebuild = new ArrayList<>();
        await().atMost(DEADLINE).until(() -> {
            statusesDuringRebuild.add(RestAssured.given().queryParam("q", word).get("/search").statusCode());
            return RestAssured.get("/index/rebuild").jsonPath().getString("state").equals("done");
        });

        assertThat(statusesDuringRebuild).isNotEmpty().containsOnly(200);
        assertThat(RestAssured.get("/index").jsonPath().getString("generation")).isNotEqualTo(liveGeneration);
        assertThat(allHits(word)).isEqualTo(before);
        JsonPath taggedAfter = search("", tag);
        assertThat(taggedAfter.getList("results.blog_id", Long.class))
                .isEqualTo(taggedBefore.getList("results.blog_id", Long.class));
        assertThat(taggedAfter.getList("results.version", Long.class))
                .isEqualTo(taggedBefore.getList("results.version", Long.class));
        await().atMost(DEADLINE).until(() -> totalHits(lateWord) == late.size());
    }

    @Test
    @Order(0)
    void aRebuildNeedsTheOperatorTokenAndNoRebuildStartsWithoutIt() {
        RestAssured.post("/index/rebuild").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("/problems/unauthenticated"));
        RestAssured.given().header("Authorization", "Bearer not-the-operator-token").post("/index/rebuild").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("invalid_token"))
                .body("type", equalTo("/problems/unauthenticated"));
        RestAssured.given().header("Authorization", "Basic " + OPERATOR_TOKEN).post("/index/rebuild").then()
                .statusCode(401);
        RestAssured.given().header("Authorization", "Bearer " + OPERATOR_TOKEN + "x").post("/index/rebuild").then()
                .statusCode(401);

        assertThat(RestAssured.get("/index/rebuild").jsonPath().getString("state")).isEqualTo("never");
    }

    @Test
    @Order(0)
    void theIndexStateNamesTheGenerationWithoutAServerPath() {
        JsonPath state = RestAssured.get("/index").then().statusCode(200).extract().jsonPath();

        assertThat(state.getString("generation")).matches("generation-\\d+");
        assertThat(RestAssured.get("/index").asString()).doesNotContain(SearchWorld.TOPIC + "/")
                .doesNotContain("\"/").doesNotContain("search-index-");
    }

    /** Runs last: it deletes the start of a partition, as retention would. */
    @Test
    @Order(2)
    void refusesToRebuildFromATopicThatRetentionTruncatedUnlessToldTo() throws Exception {
        String word = Words.unique();
        try (BlogEvents events = new BlogEvents(SearchWorld.TOPIC)) {
            events.published(new Blog(IDS.incrementAndGet(), 1, 1, "Kept", word, List.of()));
        }
        await().atMost(DEADLINE).until(() -> totalHits(word) == 1);
        TopicPartition partition = new TopicPartition(SearchWorld.TOPIC, 0);
        try (Admin admin = SharedInfrastructure.kafka().admin()) {
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1))).all().get(10, TimeUnit.SECONDS);
        }

        operator().post("/index/rebuild").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/rebuild-refused"))
                .body("detail", containsString(partition + " starts at offset 1"));
        assertThat(RestAssured.get("/index/rebuild").jsonPath().getString("state")).isEqualTo("done");

        operator().post("/index/rebuild?allow_partial=true").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> RestAssured.get("/index/rebuild").jsonPath().getString("state")
                .equals("done"));
        assertThat(totalHits(word)).isEqualTo(1);
    }

    /** %test.search.operator.token in application.properties. */
    private static final String OPERATOR_TOKEN = "test-operator-token-0123456789";

    private static RequestSpecification operator() {
        return RestAssured.given().header("Authorization", "Bearer " + OPERATOR_TOKEN);
    }

    private static long totalHits(String q) {
        return search(q, null).getLong("total_hits");
    }

    /** Every hit as "blog@version" across all pages; ties in score may order differently in another index. */
    private static Set<String> allHits(String q) {
        Set<String> hits = new HashSet<>();
        for (int page = 1; page <= 10; page++) {
            JsonPath results = RestAssured.given().queryParam("q", q).queryParam("size", 100)
                    .queryParam("page", page).get("/search").then().statusCode(200).extract().jsonPath();
            List<Long> ids = results.getList("results.blog_id", Long.class);
            List<Long> versions = results.getList("results.version", Long.class);
            for (int i = 0; i < ids.size(); i++) {
                hits.add(ids.get(i) + "@" + versions.get(i));
            }
        }
        return hits;
    }

    private static JsonPath search(String q, String tag) {
        var request = RestAssured.given().queryParam("q", q).queryParam("size", 100);
        if (tag != null) {
            request.queryParam("tag", tag);
        }
        return request.get("/search").then().statusCode(200).extract().jsonPath();
    }
}
