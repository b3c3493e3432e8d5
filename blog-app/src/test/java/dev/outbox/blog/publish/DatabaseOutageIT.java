package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.testsupport.SharedInfrastructure;
import dev.outbox.testsupport.postgres.PostgresServer;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.outbox.blog.support.Api.draft;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** With the database gone a publish is refused with 503 and Retry-After, never answered as a success. */
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
}
