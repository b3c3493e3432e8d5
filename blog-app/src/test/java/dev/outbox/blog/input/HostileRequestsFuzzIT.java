package dev.outbox.blog.input;

import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated requests, most of them hostile: valid bodies with fields swapped for hostile values,
 * broken JSON, random bytes, wrong or missing headers, odd path and query parameters. None may answer 5xx, every
 * 4xx is problem+json and writes nothing, and the outbox holds exactly one event per accepted write. Seeded:
 * {@code -Doutbox.fuzz.seed=<seed>} replays a run; {@code -Doutbox.fuzz.requests} sets its size (1,500 in the
 * default build, 20,000 with {@code -Pfaults}).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class HostileRequestsFuzzIT {

    private static final int REQUESTS = Integer.getInteger("outbox.fuzz.requests", 1_500);
    private static final long SEED = Long.getLong("outbox.fuzz.seed", System.nanoTime());
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final String FINGERPRINT = """
            select (select count(*) from users), (select count(*) from api_tokens), (select count(*) from blogs),
                   (select coalesce(sum(version), 0) from blogs), (select count(*) from idempotency_keys),
                   (select count(*) from outbox)""";
    private static final List<String> HOSTILE_TEXT = List.of("", " ", "\u0000", "a\u0000b", "\u0007bell", "\u001b[31m",
            "\u202eevil", "\ud800", "x\udfff", "\u00a0\u200b", "\u2028", "😀", "x".repeat(10_001), "x".repeat(200_000),
            "<script>alert(1)</script>", "' or 1=1 --", "%00", "\\", "\"", "null", "${jndi:ldap://x/a}", "\r\n", "\t",
            "\u0085", "\ufeff", "\uffff");
    private static final List<String> HOSTILE_JSON = List.of("12", "-1", "1.5", "1e999", "9223372036854775808",
            "-9223372036854775809", "true", "null", "[]", "{}", "[" .repeat(5_000) + "]".repeat(5_000), "\"ok\"",
            "[\"a\",1,null]", "{\"$ne\":1}");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json",
            "application/json", "application/json; charset=UTF-16", "text/plain", "application/x-www-form-urlencoded",
            "application/json; charset=nope", "*/*", "");

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URI base;

    private final Random random = new Random(SEED);
    private final List<Long> blogIds = new ArrayList<>();
    private Author author;

    @Test
    void noGeneratedRequestFailsOnTheServerOrWritesWhenRefused() throws Exception {
        author = Api.newAuthor();
        for (int i = 0; i < 5; i++) {
            blogIds.add(Api.publish(author, "Existing " + i, "Body"));
        }
        int accepted = 0;
        int events = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (WalTap wal = WalTap.open(dataSource)) {
            for (int i = 0; i < REQUESTS && failures.size() < 10; i++) {
                HttpRequest request;
                try {
                    request = generate();
                } catch (IllegalArgumentException refusedByTheClient) {
                    continue; // a header value the HTTP client itself will not send
                }
                List<Long> before = fingerprint();
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                statuses.merge(response.statusCode(), 1, Integer::sum);
                String problem = check(request, response, before);
                if (problem != null) {
                    failures.add(problem);
                } else if (response.statusCode() < 300) {
                    accepted++;
                    events += eventsWritten(request, response);
                }
            }
            System.out.printf("Fuzzed blog-app with seed %d: answers by status %s%n", SEED, statuses);
            assertThat(failures).as("seed %d: requests answered wrongly", SEED).isEmpty();
            assertThat(wal.outboxInserts()).as("seed %d: one event per accepted write", SEED).hasSize(events);
        }
        assertThat(accepted).as("seed %d: some generated requests are valid", SEED).isPositive();
        Api.publish(author, "Still serving", "after the fuzz");
    }

    /** Null when the answer is right: never 5xx, a refusal is problem+json and leaves every table as it was. */
    private String check(HttpRequest request, HttpResponse<String> response, List<Long> before) throws SQLException {
        int status = response.statusCode();
        String what = request.method() + " " + request.uri() + " → " + status + " " + abbreviate(response.body());
        if (status >= 500) {
            return what;
        }
        if (status >= 400) {
            if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                return what + " (not problem+json)";
            }
            if (!fingerprint().equals(before)) {
                return what + " (wrote rows)";
            }
        }
        return null;
    }

    /** Events an accepted request wrote: one per blog published, updated or deleted. */
    private static int eventsWritten(HttpRequest request, HttpResponse<String> response) {
        String path = request.uri().getPath();
        if (request.method().equals("POST") && path.equals("/blogs/import")) {
            return response.body().split("\"id\"", -1).length - 1;
        }
        boolean blogWrite = path.startsWith("/blogs") && !request.method().equals("GET");
        return blogWrite ? 1 : 0;
    }

    private HttpRequest generate() {
        return switch (random.nextInt(8)) {
            case 0, 1 -> write("POST", "/blogs", draft());
            case 2 -> write("PUT", "/blogs/" + blogId(), draft());
            case 3 -> write("DELETE", "/blogs/" + blogId(), random.nextInt(4) == 0 ? draft() : null);
            case 4 -> write("POST", "/users", object("handle", "u" + UUID.randomUUID().toString().substring(0, 8),
                    "display_name", "Fuzzed"));
            case 5 -> write("POST", "/blogs/import", "{\"blogs\":[" + draft() + "," + draft() + "]}");
            case 6 -> request("GET", "/blogs/" + blogId()).build();
            default -> request("GET", "/users/" + pick(List.of(Long.toString(author.id()), "0", "-1", "abc",
                    "99999999999999999999")) + "/blogs?limit=" + number() + "&before=" + number()).build();
        };
    }

    private HttpRequest write(String method, String path, String body) {
        HttpRequest.Builder request = request(method, path);
        String contentType = pick(CONTENT_TYPES);
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        switch (random.nextInt(6)) {
            case 0 -> {
            }
            case 1 -> request.header("Authorization", "Bearer " + pick(List.of("", "x", "x".repeat(5_000),
                    UUID.randomUUID().toString())));
            case 2 -> request.header("Authorization", "Basic dXNlcjpwYXNz");
            default -> request.header("Authorization", "Bearer " + author.token());
        }
        if (random.nextInt(4) == 0) {
            request.header("Idempotency-Key", pick(List.of(UUID.randomUUID().toString(), "", "k".repeat(300))));
        }
        byte[] bytes = body == null ? new byte[0] : mangle(body);
        return request.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    private HttpRequest.Builder request(String method, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    /** Mostly the JSON as built; sometimes cut short, duplicated keys, wrapped, or random bytes. */
    private byte[] mangle(String json) {
        return switch (random.nextInt(12)) {
            case 0 -> json.substring(0, random.nextInt(json.length())).getBytes(StandardCharsets.UTF_8);
            case 1 -> ("[" + json + "]").getBytes(StandardCharsets.UTF_8);
            case 2 -> json.replaceFirst("\\{", "{\"title\":\"first\",").getBytes(StandardCharsets.UTF_8);
            case 3 -> {
                byte[] noise = new byte[random.nextInt(200)];
                random.nextBytes(noise);
                yield noise;
            }
            case 4 -> (json + " trailing").getBytes(StandardCharsets.UTF_8);
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
    }

    private String draft() {
        return object("title", "Fuzzed title", "body", "Fuzzed body", "tags", List.of("kafka"));
    }

    /** A JSON object of the given fields; each value valid, or swapped for a hostile one, or left out. */
    private String object(Object... fields) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < fields.length; i += 2) {
            int mutation = random.nextInt(10);
            if (mutation == 0) {
                continue;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote((String) fields[i])).append(':');
            if (mutation == 1) {
                json.append(pick(HOSTILE_JSON));
            } else if (mutation <= 3) {
                String hostile = pick(HOSTILE_TEXT);
                json.append(fields[i + 1] instanceof List<?> ? "[" + quote(hostile) + "]" : quote(hostile));
            } else {
                json.append(fields[i + 1] instanceof List<?> list
                        ? "[" + String.join(",", list.stream().map(v -> quote((String) v)).toList()) + "]"
                        : quote((String) fields[i + 1]));
            }
        }
        if (random.nextInt(10) == 0) {
            json.append(json.length() > 1 ? "," : "").append("\"unknown\":").append(pick(HOSTILE_JSON));
        }
        return json.append('}').toString();
    }

    private String blogId() {
        return random.nextInt(3) > 0 ? Long.toString(pick(blogIds))
                : pick(List.of("0", "-1", "abc", "1.5", "99999999999999999999", "%C3%A9", "1;drop"));
    }

    private String number() {
        return pick(List.of("", "0", "-5", "20", "101", "abc", "99999999999", "9223372036854775808", "1e3", "%00"));
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** JSON string syntax, escaping what JSON requires and lone surrogates (as a hostile client would send them). */
    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private List<Long> fingerprint() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(FINGERPRINT)) {
            row.next();
            List<Long> values = new ArrayList<>();
            for (int column = 1; column <= 6; column++) {
                values.add(row.getLong(column));
            }
            return values;
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
