package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class IdempotencyKeyIT {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aRetryWithTheSameKeyReturnsTheFirstBlogAndWritesOneEvent() {
        Author author = Api.newAuthor();
        try (WalTap wal = WalTap.open(dataSource)) {
            Response first = author.as().header("Idempotency-Key", "retry-1").body(draft("Once", "Body")).post("/blogs");
            Response retry = author.as().header("Idempotency-Key", "retry-1").body(draft("Once", "Body")).post("/blogs");

            first.then().statusCode(201);
            retry.then().statusCode(201).header("Idempotent-Replayed", "true")
                    .header("Location", first.header("Location"))
                    .body("id", equalTo(first.jsonPath().getInt("id")));
            assertThat(wal.outboxInserts()).hasSize(1);
        }
    }

    @Test
    void concurrentRetriesWithOneKeyPublishOnce() throws Exception {
        Author author = Api.newAuthor();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (WalTap wal = WalTap.open(dataSource)) {
            List<Callable<Integer>> retries = IntStream.range(0, 8).<Callable<Integer>>mapToObj(i -> () ->
                    author.as().header("Idempotency-Key", "storm").body(draft("Once", "Body")).post("/blogs")
                            .then().statusCode(201).extract().jsonPath().getInt("id")).toList();

            List<Integer> ids = pool.invokeAll(retries).stream().map(IdempotencyKeyIT::get).distinct().toList();

            assertThat(ids).hasSize(1);
            assertThat(wal.outboxInserts()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reusingAKeyForADifferentBodyIs422AndPublishesNothing() {
        Author author = Api.newAuthor();
        author.as().header("Idempotency-Key", "k").body(draft("First", "Body")).post("/blogs").then().statusCode(201);
        try (WalTap wal = WalTap.open(dataSource)) {

            author.as().header("Idempotency-Key", "k").body(draft("Second", "Body")).post("/blogs")
                    .then().statusCode(422).contentType("application/problem+json")
                    .body("type", equalTo("/problems/idempotency-key-reused"));

            assertThat(wal.changes()).isEmpty();
        }
    }

    @Test
    void keysAreScopedToTheirAuthor() {
        long first = Api.newAuthor().as().header("Idempotency-Key", "shared").body(draft("A", "B")).post("/blogs")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        long second = Api.newAuthor().as().header("Idempotency-Key", "shared").body(draft("A", "B")).post("/blogs")
                .then().statusCode(201).extract().jsonPath().getLong("id");

        assertThat(second).isNotEqualTo(first);
    }

    private static int get(Future<Integer> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
