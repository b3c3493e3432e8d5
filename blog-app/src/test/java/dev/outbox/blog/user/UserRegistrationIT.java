package dev.outbox.blog.user;

import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class UserRegistrationIT {

    @Test
    void signUpShowsTheTokenOnceAndTheProfileNever() {
        String handle = uniqueHandle();
        Response created = signUp(handle, "Grace Hopper");

        created.then().statusCode(201)
                .header("Location", endsWith("/users/" + created.jsonPath().getLong("id")))
                .header("Cache-Control", "no-store")
                .body("handle", equalTo(handle))
                .body("total_blogs", equalTo(0))
                .body("api_token", startsWith("obx_"));
        RestAssured.get("/users/{id}", created.jsonPath().getLong("id")).then().statusCode(200)
                .body("display_name", equalTo("Grace Hopper"))
                .body("api_token", nullValue());
    }

    @Test
    void concurrentSignUpsForOneHandleCreateOneUserAndAnswerTheRest409() throws Exception {
        String handle = uniqueHandle();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> racers = IntStream.range(0, 6)
                    .<Callable<Integer>>mapToObj(i -> () -> signUp(handle, "Racer " + i).statusCode()).toList();

            List<Integer> statuses = pool.invokeAll(racers).stream().map(UserRegistrationIT::get).toList();

            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownUserIs404() {
        RestAssured.get("/users/{id}", Long.MAX_VALUE).then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static String uniqueHandle() {
        return "h" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private static Response signUp(String handle, String displayName) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("handle", handle, "display_name", displayName)).post("/users");
    }

    private static int get(Future<Integer> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
