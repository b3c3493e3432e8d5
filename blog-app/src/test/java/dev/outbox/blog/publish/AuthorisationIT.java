package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static dev.outbox.blog.support.Api.draft;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuthorisationIT {

    @Test
    void publishingWithoutATokenIs401WithABearerChallenge() {
        RestAssured.given().contentType(ContentType.JSON).body(draft("T", "B")).post("/blogs")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("/problems/unauthenticated"));
    }

    @Test
    void anUnknownTokenIs401() {
        RestAssured.given().contentType(ContentType.JSON).header("Authorization", "Bearer obx_not-a-real-token")
                .body(draft("T", "B")).post("/blogs")
                .then().statusCode(401).body("detail", equalTo("The API token is not valid."));
    }

    @Test
    void anotherUsersTokenCannotUpdateTheBlog() {
        Author author = Api.newAuthor();
        Author intruder = Api.newAuthor();
        long blogId = Api.publish(author, "Mine", "Body");

        intruder.as().body(draft("Defaced", "Body")).put("/blogs/{id}", blogId)
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("/problems/forbidden"));

        RestAssured.get("/blogs/{id}", blogId).then().body("title", equalTo("Mine")).body("version", equalTo(1));
    }

    @Test
    void anotherUsersTokenCannotDeleteTheBlog() {
        Author author = Api.newAuthor();
        long blogId = Api.publish(author, "Mine", "Body");

        Api.newAuthor().as().delete("/blogs/{id}", blogId).then().statusCode(403);

        RestAssured.get("/blogs/{id}", blogId).then().statusCode(200);
    }

    @Test
    void updateAndDeleteWithoutATokenAre401() {
        long blogId = Api.publish(Api.newAuthor(), "Mine", "Body");

        RestAssured.given().contentType(ContentType.JSON).body(draft("X", "Y")).put("/blogs/{id}", blogId)
                .then().statusCode(401);
        RestAssured.delete("/blogs/{id}", blogId).then().statusCode(401);
    }
}
