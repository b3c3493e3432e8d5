package dev.outbox.blog.ratelimit;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.TableCounts;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiny limits, and clients told apart by {@code X-Forwarded-For} (forwarding is on in this profile, as it must be
 * behind a proxy) so that each test has addresses of its own.
 */
@QuarkusTest
@TestProfile(RateLimitsIT.TinyLimits.class)
@WithTestResource(PostgresTestResource.class)
class RateLimitsIT {

    static final int BURST = 3;

    /** Buckets refill by {@link ManualClock}: one token every 10 s of it, and it moves only when a test says. */
    public static class TinyLimits implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ManualClock.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "blog.rate-limits.writes-per-second", "0.1",
                    "blog.rate-limits.writes-burst", String.valueOf(BURST),
                    "blog.rate-limits.signups-per-minute", "6",
                    "blog.rate-limits.signups-burst", String.valueOf(BURST),
                    "blog.rate-limits.unknown-tokens-per-minute", "6",
                    "blog.rate-limits.unknown-tokens-burst", String.valueOf(BURST),
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true");
        }
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ManualClock clock;

    @Test
    void theWriteOverATokensBurstIs429WithRetryAfterAndWritesNothing() {
        String address = newAddress();
        Api.Author author = signUp(newAddress());
        Api.Author other = signUp(newAddress());
        long first = publish(author, address).then().statusCode(201).extract().jsonPath().getLong("id");
        for (int i = 1; i < BURST; i++) {
            publish(author, address).then().statusCode(201);
        }
        Map<String, Long> before = TableCounts.of(dataSource);

        Response refused = publish(author, address);

        assertTooManyRequests(refused);
        assertThat(TableCounts.of(dataSource)).isEqualTo(before);
        assertThat(blogsOf(author)).isEqualTo(BURST);
        author.as().header("X-Forwarded-For", address).body(draft("Edited", "B")).put("/blogs/{id}", first)
                .then().statusCode(429);
        author.as().header("X-Forwarded-For", address).delete("/blogs/{id}", first).then().statusCode(429);
        publish(other, address).then().statusCode(201);
        afterRetryAfter(refused);
        publish(author, address).then().statusCode(201);
        assertThat(blogsOf(author)).isEqualTo(BURST + 1);
    }

    @Test
    void theSignUpOverAnAddressBurstIs429WithRetryAfterAndWritesNothing() {
        String address = newAddress();
        for (int i = 0; i < BURST; i++) {
            signUpRequest(address).then().statusCode(201);
        }
        Map<String, Long> before = TableCounts.of(dataSource);

        Response refused = signUpRequest(address);

        assertTooManyRequests(refused);
        assertThat(TableCounts.of(dataSource)).isEqualTo(before);
        signUpRequest(newAddress()).then().statusCode(201);
        afterRetryAfter(refused);
        signUpRequest(address).then().statusCode(201);
    }

    @Test
    void refusedTokensFromOneAddressLeadTo429BeforeTheLookupWhileAKnownTokenGoesOn() {
        String address = newAddress();
        Api.Author author = signUp(newAddress());
        publish(author, address).then().statusCode(201); // proves the token
        for (int i = 0; i < BURST; i++) {
            publishWithToken("obx_guess-" + i, address).then().statusCode(401);
        }

        assertTooManyRequests(publishWithToken("obx_guess-last", address));
        publish(author, address).then().statusCode(201);
        RestAssured.given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(draft("T", "B")).post("/blogs").then().statusCode(401);
        publishWithToken("obx_guess-elsewhere", newAddress()).then().statusCode(401);
    }

    private static void assertTooManyRequests(Response response) {
        response.then().statusCode(429).contentType("application/problem+json");
        assertThat(response.jsonPath().getString("type")).isEqualTo("/problems/rate-limited");
        assertThat(response.header("Retry-After")).as("Retry-After in whole seconds").matches("[1-9][0-9]*");
    }

    /** Moves the bucket clock by the delay the refusal gave: a retry then finds a token, as Retry-After promises. */
    private void afterRetryAfter(Response refused) {
        clock.advance(Duration.ofSeconds(Long.parseLong(refused.header("Retry-After"))));
    }

    private long blogsOf(Api.Author author) {
        return RestAssured.get("/users/{id}/blogs?limit=100", author.id()).then().statusCode(200)
                .extract().jsonPath().getList("items").size();
    }

    private static Response publish(Api.Author author, String address) {
        return author.as().header("X-Forwarded-For", address).body(draft("T", "B")).post("/blogs");
    }

    private static Response publishWithToken(String token, String address) {
        return RestAssured.given().header("Authorization", "Bearer " + token).header("X-Forwarded-For", address)
                .contentType(ContentType.JSON).body(draft("T", "B")).post("/blogs");
    }

    private static Api.Author signUp(String address) {
        Response response = signUpRequest(address);
        response.then().statusCode(201);
        return new Api.Author(response.jsonPath().getLong("id"), response.jsonPath().getString("handle"),
                response.jsonPath().getString("api_token"));
    }

    private static Response signUpRequest(String address) {
        String handle = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        RequestSpecification request = RestAssured.given().header("X-Forwarded-For", address)
                .contentType(ContentType.JSON);
        return request.body(Map.of("handle", handle, "display_name", "Author " + handle)).post("/users");
    }

    private static int lastOctet = 0;

    /** A documentation address (RFC 5737) no other test in this class uses. */
    private static synchronized String newAddress() {
        return "192.0.2." + (++lastOctet);
    }
}
