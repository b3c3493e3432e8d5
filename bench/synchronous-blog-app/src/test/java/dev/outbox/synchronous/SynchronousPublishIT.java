package dev.outbox.synchronous;

import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SynchronousPublishIT {

    @Inject
    GroupCommitIndex searchIndex;

    @Test
    void countsAndIndexesABlogBeforeAnsweringAndUndoesBothOnDelete() throws IOException {
        JsonPath author = given().contentType("application/json")
                .body(Map.of("handle", "sync_" + System.nanoTime(), "display_name", "Synchronous author"))
                .post("/users").then().statusCode(201).extract().jsonPath();
        long authorId = author.getLong("id");
        String token = author.getString("api_token");
        long indexedBefore = searchIndex.documents();

        long blogId = as(token).contentType("application/json")
                .body(Map.of("title", "Done before answering", "body", "Counted and indexed inside the request.",
                        "tags", List.of("sync")))
                .post("/blogs").then().statusCode(201).extract().jsonPath().getLong("id");

        assertThat(totalBlogs(authorId)).as("counted in the publish's transaction").isEqualTo(1);
        assertThat(searchIndex.documents()).as("indexed before the answer").isEqualTo(indexedBefore + 1);

        as(token).delete("/blogs/" + blogId).then().statusCode(204);

        assertThat(totalBlogs(authorId)).isZero();
        assertThat(searchIndex.documents()).isEqualTo(indexedBefore);
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static long totalBlogs(long authorId) {
        return given().get("/users/" + authorId).then().statusCode(200).extract().jsonPath().getLong("total_blogs");
    }
}
