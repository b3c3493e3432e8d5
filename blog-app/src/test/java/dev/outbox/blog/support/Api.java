package dev.outbox.blog.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The blog API as a client sees it, for integration tests. */
public final class Api {

    /** A registered user and the token that acts as them. */
    public record Author(long id, String handle, String token) {

        public RequestSpecification as() {
            return RestAssured.given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
        }
    }

    private Api() {
    }

    public static Author newAuthor() {
        String handle = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Response response = RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("handle", handle, "display_name", "Author " + handle))
                .post("/users");
        response.then().statusCode(201);
        return new Author(response.jsonPath().getLong("id"), handle, response.jsonPath().getString("api_token"));
    }

    public static Map<String, Object> draft(String title, String body, String... tags) {
        return Map.of("title", title, "body", body, "tags", List.of(tags));
    }

    public static long publish(Author author, String title, String body, String... tags) {
        return author.as().body(draft(title, body, tags)).post("/blogs")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
