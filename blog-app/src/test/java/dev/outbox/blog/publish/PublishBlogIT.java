package dev.outbox.blog.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.endsWith;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PublishBlogIT {

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URI base;

    WalTap wal;

    @BeforeEach
    void tapTheWal() {
        wal = WalTap.open(dataSource);
    }

    @AfterEach
    void closeTap() {
        wal.close();
    }

    /**
     * A caller's W3C trace context goes into the publish's outbox row in the form Debezium's Outbox Event Router reads
     * (java.util.Properties text); nothing is exported here, so it is the caller's own. An untraced publish has none.
     */
    @Test
    void aPublishWritesTheCallersTraceContextIntoItsOutboxRow() throws Exception {
        Author author = Api.newAuthor();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        wal.changes();

        author.as().header("traceparent", traceparent).body(draft("Traced", "B")).post("/blogs").then().statusCode(201);
        author.as().body(draft("Untraced", "B")).post("/blogs").then().statusCode(201);

        List<WalTap.Change> events = wal.outboxInserts();
        assertThat(events).hasSize(2);
        Properties context = new Properties();
        context.load(new StringReader(events.get(0).columns().get("tracingspancontext")));
        assertThat(context.getProperty("traceparent")).isEqualTo(traceparent);
        assertThat(events.get(1).columns().get("tracingspancontext")).isEqualTo("null");
    }

    @Test
    void aChunkedBodyIsPublishedLikeOneOfDeclaredLength() throws Exception {
        Author author = Api.newAuthor();
        byte[] json = "{\"title\":\"Sent in chunks\",\"body\":\"No Content-Length\",\"tags\":[\"http\"]}"
                .getBytes(StandardCharsets.UTF_8);
        // A body publisher without a known length makes the client send the body chunked.
        HttpRequest chunked = HttpRequest.newBuilder(base.resolve("/blogs"))
                .header("Authorization", "Bearer " + author.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json))).build();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(chunked, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.body()).contains("\"title\":\"Sent in chunks\"").contains("\"tags\":[\"http\"]");
    }

    /** HTTP/2 (Java's client upgrades to it by default) carries no Content-Length on a request without a body. */
    @Test
    void requestsOverHttp2AreAnsweredWithAndWithoutABody() throws Exception {
        Author author = Api.newAuthor();
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpRequest get = HttpRequest.newBuilder(base.resolve("/users/" + author.id())).GET().build();
        HttpRequest publish = HttpRequest.newBuilder(base.resolve("/blogs"))
                .header("Authorization", "Bearer " + author.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"Over h2\",\"body\":\"B\",\"tags\":[]}"))
                .build();

        http2.send(get, HttpResponse.BodyHandlers.ofString()); // the upgrade to h2c
        HttpResponse<String> read = http2.send(get, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> written = http2.send(publish, HttpResponse.BodyHandlers.ofString());

        assertThat(read.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
    }

    @Test
    void publishWritesTheBlogAndOneBlogPublishedEventInTheSameCommit() {
        Author author = Api.newAuthor();
        wal.changes();

        Response response = author.as().body(draft("Delegate and respond", "What need not be real time is not.", "kafka"))
                .post("/blogs");

        response.then().statusCode(201)
                .header("Location", endsWith("/blogs/" + response.jsonPath().getLong("id")))
                .header("ETag", equalTo("\"1\""))
                .body("author_id", equalTo((int) author.id()))
                .body("version", equalTo(1))
                .body("status", equalTo("PUBLISHED"));
        long blogId = response.jsonPath().getLong("id");

        List<WalTap.Change> changes = wal.changes();
        assertThat(changes).extracting(c -> c.table() + " " + c.operation())
                .as("one transaction: the blog, the outbox insert, and its immediate delete")
                .containsExactly("blogs INSERT", "outbox INSERT", "outbox DELETE");
        WalTap.Change event = changes.get(1);
        assertThat(event.columns()).containsEntry("aggregatetype", "blog")
                .containsEntry("aggregateid", Long.toString(author.id()))
                .containsEntry("type", "BlogPublished")
                .containsEntry("schema_version", "1");
        JsonNode payload = event.payload();
        assertThat(payload.get("event_id").asText()).isEqualTo(event.eventId().toString());
        assertThat(payload.get("blog_id").asLong()).isEqualTo(blogId);
        assertThat(payload.get("title").asText()).isEqualTo("Delegate and respond");
        assertThat(payload.get("tags").get(0).asText()).isEqualTo("kafka");
    }

    @Test
    void publishingDelegatesTheCountInsteadOfIncrementingIt() {
        Author author = Api.newAuthor();
        Api.publish(author, "One", "Body");

        RestAssured.get("/users/{id}", author.id()).then().statusCode(200).body("total_blogs", equalTo(0));
    }

    @Test
    void outboxTableStaysEmptyBecauseRowsAreDeletedInTheirTransaction() throws Exception {
        Api.publish(Api.newAuthor(), "Title", "Body");

        try (var connection = dataSource.getConnection();
             var rows = connection.createStatement().executeQuery("select count(*) from outbox")) {
            rows.next();
            assertThat(rows.getLong(1)).isZero();
        }
    }

    @Test
    void updateRaisesTheVersionAndEmitsBlogUpdatedWithTheNewText() {
        Author author = Api.newAuthor();
        long blogId = Api.publish(author, "Draft title", "Draft body");
        wal.changes();

        author.as().body(draft("Final title", "Final body", "edited")).put("/blogs/{id}", blogId)
                .then().statusCode(200).body("version", equalTo(2)).header("ETag", equalTo("\"2\""));

        List<WalTap.Change> events = wal.outboxInserts();
        assertThat(events).hasSize(1);
        JsonNode payload = events.get(0).payload();
        assertThat(payload.get("event_type").asText()).isEqualTo("BlogUpdated");
        assertThat(payload.get("version").asLong()).isEqualTo(2);
        assertThat(payload.get("title").asText()).isEqualTo("Final title");
        RestAssured.get("/blogs/{id}", blogId).then().body("title", equalTo("Final title"));
    }

    @Test
    void deleteHidesTheBlogAndEmitsBlogDeleted() {
        Author author = Api.newAuthor();
        long blogId = Api.publish(author, "Short-lived", "Body");
        wal.changes();

        author.as().delete("/blogs/{id}", blogId).then().statusCode(204);

        RestAssured.get("/blogs/{id}", blogId).then().statusCode(404);
        List<WalTap.Change> events = wal.outboxInserts();
        assertThat(events).extracting(e -> e.payload().get("event_type").asText()).containsExactly("BlogDeleted");
        assertThat(events.get(0).payload().get("version").asLong()).isEqualTo(2);
        author.as().delete("/blogs/{id}", blogId).then().statusCode(404);
    }

    @Test
    void staleIfMatchIsRefusedAndWritesNothing() {
        Author author = Api.newAuthor();
        long blogId = Api.publish(author, "Title", "Body");
        author.as().body(draft("Title 2", "Body")).put("/blogs/{id}", blogId).then().statusCode(200);
        wal.changes();

        author.as().header("If-Match", "\"1\"").body(draft("Lost update", "Body")).put("/blogs/{id}", blogId)
                .then().statusCode(412).contentType("application/problem+json");

        assertThat(wal.changes()).isEmpty();
        author.as().header("If-Match", "\"2\"").body(draft("Title 3", "Body")).put("/blogs/{id}", blogId)
                .then().statusCode(200).body("version", equalTo(3));
    }
}
