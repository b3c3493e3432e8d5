package dev.outbox.local;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generated hostile requests to blog-app and search-indexer, sent beside a workload's real writes: hostile text and
 * JSON, cut or random bodies, wrong Content-Type, bad or foreign tokens, odd ids and query parameters. None of them
 * holds a workload author's token, so whatever blog-app accepts is outside the truth the workload checks.
 */
final class HostileRequests {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final List<String> TEXT = List.of("\\u0000", "a\\u0000b", "\\u001b[31m", "\\ud800", "\\u00a0\\u200b",
            "\\u202eevil", "x".repeat(20_000), "<script>", "' or 1=1 --", "${jndi:ldap://x/a}", "\\r\\n", "");
    private static final List<String> JSON = List.of("12", "1e999", "9223372036854775808", "true", "null", "[]",
            "{\"$ne\":1}", "[".repeat(3_000) + "]".repeat(3_000));
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json", "text/plain",
            "application/json; charset=nope", "application/x-www-form-urlencoded");
    private static final List<String> IDS = List.of("0", "-1", "abc", "99999999999999999999", "%C3%A9", "1;drop");
    private static final List<String> QUERIES = List.of("a", "\"unclosed", "a AND", "word^1e40", "*", "a~2",
            "x".repeat(300) + "~", "(((((a)))))", "%00", "title:", "a OR b OR c");

    /** What one request was answered: its status and whether the body is a problem. */
    record Answer(String request, int status, boolean problem) {
    }

    private final URI blogApp;
    private final URI search;
    private final String attackerToken;
    private final Supplier<List<Long>> victims;
    private final Random random;

    /** {@code attackerToken} is a valid token of an author outside the workload; {@code victims} its blogs' ids. */
    HostileRequests(String blogUrl, String searchUrl, String attackerToken, Supplier<List<Long>> victims, long seed) {
        this.blogApp = URI.create(blogUrl);
        this.search = URI.create(searchUrl);
        this.attackerToken = attackerToken;
        this.victims = victims;
        this.random = new Random(seed);
    }

    Answer send() throws Exception {
        HttpRequest request = generate();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(request.method() + " " + request.uri(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    private HttpRequest generate() {
        return switch (random.nextInt(6)) {
            case 0 -> write("POST", blogApp.resolve("/blogs"), draft());
            case 1 -> write("PUT", blogApp.resolve("/blogs/" + blogId()), draft());
            case 2 -> write("DELETE", blogApp.resolve("/blogs/" + blogId()), null);
            case 3 -> write("POST", blogApp.resolve("/blogs/import"), "{\"blogs\":[" + draft() + "," + draft() + "]}");
            case 4 -> HttpRequest.newBuilder(blogApp.resolve("/users/" + pick(IDS) + "/blogs?limit=" + pick(IDS)))
                    .timeout(Duration.ofSeconds(30)).build();
            default -> HttpRequest.newBuilder(search.resolve("/search?q=" + encoded(pick(QUERIES)) + "&page="
                    + pick(IDS) + "&size=" + pick(List.of("10", "0", "100000", "-1")))).timeout(Duration.ofSeconds(30))
                    .build();
        };
    }

    private HttpRequest write(String method, URI uri, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", pick(CONTENT_TYPES));
        String token = pick(List.of(attackerToken, attackerToken, "", "x".repeat(5_000), "not-a-token"));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        byte[] body = json == null ? new byte[0] : switch (random.nextInt(5)) {
            case 0 -> json.substring(0, random.nextInt(json.length())).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                byte[] noise = new byte[random.nextInt(200)];
                random.nextBytes(noise);
                yield noise;
            }
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
        return request.method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** A blog draft with one field swapped for hostile text or JSON of another type, or left as it is. */
    private String draft() {
        String title = "\"Hostile title\"";
        String tags = "[\"kafka\"]";
        return switch (random.nextInt(4)) {
            case 0 -> "{\"title\":\"" + pick(TEXT) + "\",\"body\":\"B\",\"tags\":" + tags + "}";
            case 1 -> "{\"title\":" + pick(JSON) + ",\"body\":\"B\"}";
            case 2 -> "{\"title\":" + title + ",\"body\":\"B\",\"tags\":[\"" + pick(TEXT) + "\"]}";
            default -> "{\"title\":" + title + ",\"body\":\"" + pick(TEXT) + "\"}";
        };
    }

    private String blogId() {
        List<Long> ids = victims.get();
        return random.nextBoolean() && !ids.isEmpty() ? Long.toString(pick(ids)) : pick(IDS);
    }

    private static String encoded(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
