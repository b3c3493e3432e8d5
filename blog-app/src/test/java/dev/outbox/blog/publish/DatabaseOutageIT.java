package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.Api;
import dev.outbox.embedded.postgres.PostgresServer;
import dev.outbox.testsupport.SharedInfrastructure;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.outbox.blog.support.Api.draft;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

/**
 * With the database gone or its connections ended a publish is refused with 503 and Retry-After, never answered as a
 * success or as a 500.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DatabaseOutageIT {

    @Test
    void publishingWhileTheDatabaseIsDownIs503WithRetryAfterAndWorksOnceItIsBack() {
        Author author = Api.newAuthor();
        PostgresServer postgres = SharedInfrastructure.postgres();
        postgres.stop();
        try {
            author.as().body(draft("Lost?", "No: refused.")).post("/blogs")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", equalTo("2"))
                    .body("type", equalTo("/problems/unavailable"));
        } finally {
            postgres.start();
        }

        await("publishing works again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> author.as().body(draft("Back", "Body")).post("/blogs").statusCode() == 201);
        RestAssured.get("/users/{id}/blogs", author.id()).then().body("items.title", hasItem("Back"));
    }

    /**
     * What a fast shutdown or restart does to a request in flight: the server ends its backend mid-statement (SQL
     * state 57P01). The publish is held on a lock of the outbox so that it is in flight when that happens.
     */
    @Test
    void aPublishWhoseBackendTheServerTerminatesIs503WithRetryAfterNot500() throws Exception {
        Author author = Api.newAuthor();
        CompletableFuture<Response> publish;
        try (Connection admin = SharedInfrastructure.postgres().connect(); Statement sql = admin.createStatement()) {
            admin.setAutoCommit(false);
            sql.execute("lock table outbox in access exclusive mode");
            publish = CompletableFuture.supplyAsync(() -> author.as().body(draft("In flight", "Body")).post("/blogs"));
            await("the publish waiting for the outbox").atMost(Duration.ofSeconds(30))
                    .until(() -> waitingForALock(admin) > 0);
            sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where wait_event_type = 'Lock'");
            admin.rollback();
        }

        publish.get(30, TimeUnit.SECONDS).then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("2"))
                .body("type", equalTo("/problems/unavailable"));
        RestAssured.get("/users/{id}/blogs", author.id()).then().body("items", hasSize(0));
    }

    private static int waitingForALock(Connection admin) throws SQLException {
        try (Statement sql = admin.createStatement();
             ResultSet count = sql.executeQuery(
                     "select count(*) from pg_stat_activity where wait_event_type = 'Lock'")) {
            count.next();
            return count.getInt(1);
        }
    }
}
