package dev.outbox.bench.publish;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outbox.bench.load.LoadClient;

/** blog-app's HTTP API as the benchmark uses it, over one keep-alive HTTP/1.1 connection pool. */
final class BlogApi {

    /** A registered user and the bearer token that publishes as them. */
    record Author(long id, String token) {
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final Json json;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    BlogApi(URI base, Json json) {
        this.base = base;
        this.json = json;
    }

    Author register(String handle) throws IOException, InterruptedException {
        String body = json.write(Map.of("handle", handle, "display_name", "Bench author " + handle));
        HttpResponse<String> response = http.send(post("/users", body).build(), HttpResponse.BodyHandlers.ofString());
        requireCreated(response.statusCode(), "POST /users", response.body());
        JsonNode user = json.read(response.body());
        return new Author(user.get("id").asLong(), user.get("api_token").asText());
    }

    /** Publishes as a random author, one of the {@code drafts}; anything but 201 is an error. */
    LoadClient publisher(List<Author> authors, BlogDrafts drafts, int client) {
        Random random = new Random(client);
        return () -> {
            Author author = authors.get(random.nextInt(authors.size()));
            HttpRequest request = post("/blogs", drafts.pick(random).json())
                    .header("Authorization", "Bearer " + author.token())
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            requireCreated(response.statusCode(), "POST /blogs", response.body());
            return "POST /blogs";
        };
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static void requireCreated(int status, String what, String body) throws IOException {
        if (status != 201) {
            throw new IOException(what + " answered " + status + ": " + body);
        }
    }
}
