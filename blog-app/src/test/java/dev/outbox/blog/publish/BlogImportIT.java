package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;

/** {@code POST /blogs/import}: many blogs and their events in one transaction, all or nothing. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class BlogImportIT {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyDraftIsPublishedWithItsEventInOneTransaction() throws SQLException {
        Author author = Api.newAuthor();
        try (WalTap wal = WalTap.open(dataSource)) {

            List<Long> ids = author.as().body(Map.of("blogs", List.of(
                            draft("First", "One", "archive"), draft("Second", "Two"), draft("Third", "Three"))))
                    .post("/blogs/import")
                    .then().statusCode(201)
                    .body("blogs.title", contains("First", "Second", "Third"))
                    .body("blogs.version", contains(1, 1, 1))
                    .extract().jsonPath().getList("blogs.id", Long.class);

            assertThat(wal.outboxInserts()).extracting(change -> change.payload().get("blog_id").asLong())
                    .containsExactlyElementsOf(ids);
            assertThat(transactionsThatWrote(ids)).as("transactions that wrote the blogs").isEqualTo(1);
        }
    }

    @Test
    void oneBadDraftRefusesTheWholeImportNamingIt() throws SQLException {
        Author author = Api.newAuthor();
        List<Object> drafts = new ArrayList<>(List.of(draft("Fine", "Body"), draft(" ", "Body")));
        drafts.add(null);
        try (WalTap wal = WalTap.open(dataSource)) {

            author.as().body(Map.of("blogs", drafts)).post("/blogs/import")
                    .then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("errors.field", contains("blogs[1].title", "blogs[2]"));

            assertThat(wal.outboxInserts()).isEmpty();
        }
        RestAssured.get("/users/{id}/blogs", author.id()).then().body("items", hasSize(0));
    }

    @Test
    void anEmptyOrOversizedImportIsRefused() {
        Author author = Api.newAuthor();
        author.as().body(Map.of()).post("/blogs/import")
                .then().statusCode(422).body("errors[0].field", containsString("blogs"));
        List<Map<String, Object>> tooMany = IntStream.range(0, 501).mapToObj(i -> draft("Post " + i, "Body")).toList();
        author.as().body(Map.of("blogs", tooMany)).post("/blogs/import")
                .then().statusCode(422).body("errors[0].reason", containsString("500"));
        RestAssured.get("/users/{id}/blogs", author.id()).then().body("items", hasSize(0));
    }

    @Test
    void anIdempotencyKeyIsRefusedRatherThanIgnored() {
        Author author = Api.newAuthor();
        author.as().header("Idempotency-Key", "import-1").body(Map.of("blogs", List.of(draft("A", "B"))))
                .post("/blogs/import")
                .then().statusCode(422).body("errors[0].field", containsString("Idempotency-Key"));
    }

    @Test
    void importingNeedsTheAuthorsToken() {
        RestAssured.given().contentType("application/json").body(Map.of("blogs", List.of(draft("A", "B"))))
                .post("/blogs/import")
                .then().statusCode(401).contentType("application/problem+json");
    }

    /** Distinct transaction ids (xmin) among the rows of these blogs. */
    private long transactionsThatWrote(List<Long> ids) throws SQLException {
        String in = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "select count(distinct xmin::text) from blogs where id in (" + in + ")")) {
            row.next();
            return row.getLong(1);
        }
    }
}
