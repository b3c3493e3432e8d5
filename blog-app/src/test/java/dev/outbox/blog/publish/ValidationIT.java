package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.TableCounts;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Every bad request gets an RFC 9457 problem saying what is wrong, and writes nothing at all. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ValidationIT {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    AgroalDataSource dataSource;

    Author author;
    Map<String, Long> rowsBefore;
    WalTap wal;

    @BeforeEach
    void authorAndTap() {
        author = Api.newAuthor();
        rowsBefore = TableCounts.of(dataSource);
        wal = WalTap.open(dataSource);
    }

    @AfterEach
    void nothingWasWritten() {
        assertThat(wal.changes()).as("a refused request writes nothing").isEmpty();
        assertThat(TableCounts.of(dataSource)).as("row counts").isEqualTo(rowsBefore);
        wal.close();
    }

    @Test
    void missingTitleIs422NamingTheField() {
        author.as().body(Map.of("body", "text")).post("/blogs")
                .then().statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("/problems/validation"))
                .body("status", equalTo(422))
                .body("instance", equalTo("/blogs"))
                .body("errors.field", hasItem("title"))
                .body("errors.reason", hasItem("is required"));
    }

    @Test
    void oversizedTitleIs422() {
        author.as().body(draft("t".repeat(201), "body")).post("/blogs")
                .then().statusCode(422).contentType(PROBLEM)
                .body("errors[0].field", equalTo("title"))
                .body("errors[0].reason", containsString("200"));
    }

    @Test
    void bodyOverTheConfiguredLimitIs422() {
        author.as().body(draft("Title", "b".repeat(100_001))).post("/blogs")
                .then().statusCode(422).contentType(PROBLEM)
                .body("errors[0].field", equalTo("body"))
                .body("errors[0].reason", containsString("100000"));
    }

    @Test
    void malformedJsonIs400WithTheLocation() {
        author.as().body("{\"title\": \"unterminated").post("/blogs")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("/problems/malformed-json"))
                .body("detail", containsString("line 1"));
    }

    @Test
    void aFieldOfTheWrongTypeIs422NamingIt() {
        author.as().body("{\"title\": \"T\", \"body\": \"B\", \"tags\": {\"not\": \"a list\"}}").post("/blogs")
                .then().statusCode(422).contentType(PROBLEM)
                .body("errors[0].field", equalTo("tags"));
    }

    @Test
    void anEmptyBodyIsRefused() {
        author.as().post("/blogs").then().statusCode(422).contentType(PROBLEM)
                .body("errors[0].field", equalTo("$"));
    }

    @Test
    void wrongContentTypeIs415() {
        RestAssured.given().header("Authorization", "Bearer " + author.token()).contentType(ContentType.TEXT)
                .body("title=T").post("/blogs")
                .then().statusCode(415).contentType(PROBLEM).body("status", equalTo(415));
    }

    @Test
    void unsupportedMethodIs405() {
        author.as().body(draft("T", "B")).patch("/blogs/{id}", 1)
                .then().statusCode(405).contentType(PROBLEM).body("type", equalTo("about:blank"));
    }

    @Test
    void malformedIdempotencyKeyIs422() {
        author.as().header("Idempotency-Key", "x".repeat(256)).body(draft("T", "B")).post("/blogs")
                .then().statusCode(422).contentType(PROBLEM).body("errors[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void blogsOfAnUnknownAuthorAre404() {
        RestAssured.get("/users/{id}/blogs", Long.MAX_VALUE)
                .then().statusCode(404).contentType(PROBLEM).body("type", equalTo("/problems/not-found"));
    }

    @Test
    void unknownBlogIs404() {
        RestAssured.get("/blogs/{id}", Long.MAX_VALUE).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void nonNumericBlogIdIs404() {
        RestAssured.get("/blogs/not-a-number").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void invalidSignUpIs422ForEachField() {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("handle", "No Spaces!")).post("/users")
                .then().statusCode(422).contentType(PROBLEM)
                .body("errors.field", hasItem("handle"))
                .body("errors.field", hasItem("display_name"));
    }

    @Test
    void takenHandleIs409() {
        RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("handle", author.handle(), "display_name", "Copycat")).post("/users")
                .then().statusCode(409).contentType(PROBLEM).body("type", equalTo("/problems/conflict"));
    }
}
