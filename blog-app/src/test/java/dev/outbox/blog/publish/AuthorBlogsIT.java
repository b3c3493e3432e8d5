package dev.outbox.blog.publish;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuthorBlogsIT {

    @Test
    void pagesThroughAnAuthorsLiveBlogsNewestFirstWithoutGapsOrRepeats() {
        Author author = Api.newAuthor();
        List<Long> published = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            published.add(Api.publish(author, "Post " + i, "Body " + i));
        }
        author.as().delete("/blogs/{id}", published.get(3)).then().statusCode(204);
        Api.publish(Api.newAuthor(), "Someone else's", "Body");

        List<Long> seen = new ArrayList<>();
        String next = "/users/" + author.id() + "/blogs?limit=2";
        int pages = 0;
        while (next != null) {
            Response page = RestAssured.get(next);
            page.then().statusCode(200);
            seen.addAll(page.jsonPath().getList("items.id", Long.class));
            String nextUrl = page.jsonPath().getString("next");
            next = nextUrl == null ? null : URI.create(nextUrl).getRawPath() + "?" + URI.create(nextUrl).getRawQuery();
            pages++;
        }

        List<Long> expected = new ArrayList<>(published);
        expected.remove(3);
        Collections.reverse(expected);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void limitOutsideItsRangeIs422() {
        Author author = Api.newAuthor();
        RestAssured.get("/users/{id}/blogs?limit=101", author.id())
                .then().statusCode(422).body("errors[0].field", equalTo("limit"));
        RestAssured.get("/users/{id}/blogs?limit=0", author.id()).then().statusCode(422);
    }
}
