package dev.outbox.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The blog API and the search API, as a client of the running pipeline sees them. */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /*
     * HTTP/1.1 keep-alive, a connection per concurrent request, as independent clients arrive: by default the JDK
     * client upgrades to h2c and multiplexes every thread over one connection.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final String blogUrl;
    private final String searchUrl;

    public Api(String blogUrl, String searchUrl) {
        this.blogUrl = blogUrl;
        this.searchUrl = searchUrl;
    }

    /** A new author: its id and API token. */
    public record Author(long id, String token) {
    }

    /** 404 problem: nothing at that address (any more). */
    public static final class NotFound extends IOException {
        NotFound(String message) {
            super(message);
        }
    }

    /** No answer at all: the connection was refused or dropped, as while ./run-local restarts the service. */
    public static final class Unreachable extends IOException {
        Unreachable(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** blog-app answered 503 problem+json with Retry-After: nothing was written, try again after the delay. */
    public static final class Unavailable extends IOException {
        private final Duration retryAfter;

        Unavailable(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    public Author signUp(String handle) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("handle", handle).put("display_name", handle);
        JsonNode user = send(post("/users", body, null), 201);
        return new Author(user.get("id").asLong(), user.get("api_token").asText());
    }

    /** Publishes a blog; returns its id once blog-app committed it (its 201). */
    public long publish(Author author, String title, String body, List<String> tags)
            throws IOException, InterruptedException {
        return send(post("/blogs", draft(title, body, tags), author.token()), 201).get("id").asLong();
    }

    /** The same under an Idempotency-Key: a retry with the same key answers the blog the first attempt published. */
    public long publish(Author author, String title, String body, List<String> tags, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(post("/blogs", draft(title, body, tags), author.token()),
                (name, value) -> true).header("Idempotency-Key", idempotencyKey).build();
        return send(request, 201).get("id").asLong();
    }

    /** A blog to publish: title, body and tags. */
    public record Draft(String title, String body, List<String> tags) {
    }

    /** Publishes the drafts in one transaction ({@code POST /blogs/import}); returns their ids in order. */
    public List<Long> importBlogs(Author author, List<Draft> drafts) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode blogs = request.putArray("blogs");
        drafts.forEach(d -> blogs.add(draft(d.title(), d.body(), d.tags())));
        JsonNode imported = send(post("/blogs/import", request, author.token()), 201).get("blogs");
        List<Long> ids = new ArrayList<>();
        imported.forEach(blog -> ids.add(blog.get("id").asLong()));
        return ids;
    }

    /** Replaces a blog's text; returns its new version. */
    public long update(Author author, long blogId, String title, String body, List<String> tags)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(blogUrl + "/blogs/" + blogId)).timeout(TIMEOUT)
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + author.token())
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(draft(title, body, tags))))
                .build();
        return send(request, 200).get("version").asLong();
    }

    public void delete(Author author, long blogId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(blogUrl + "/blogs/" + blogId)).timeout(TIMEOUT)
                .header("authorization", "Bearer " + author.token())
                .DELETE()
                .build();
        answer(request, 204);
    }

    public long totalBlogs(long authorId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(blogUrl + "/users/" + authorId)).timeout(TIMEOUT).build(), 200)
                .get("total_blogs").asLong();
    }

    /** Live blogs in the search index ({@code GET /index}); exact, where total_hits stops counting at 10,000. */
    public long indexedBlogs() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(searchUrl + "/index")).timeout(TIMEOUT).build(), 200)
                .get("documents").asLong();
    }

    public long searchHits(String query) throws IOException, InterruptedException {
        return search(query).get("total_hits").asLong();
    }

    /** Hits for {@code query} among one author's blogs; a blank query counts all of them. */
    public long searchHits(String query, long authorId) throws IOException, InterruptedException {
        return search(query, "&author=" + authorId).get("total_hits").asLong();
    }

    /** The first page of {@code GET /search?q=query}, as JSON. */
    public JsonNode search(String query) throws IOException, InterruptedException {
        return search(query, "");
    }

    private JsonNode search(String query, String filters) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(searchUrl + "/search?q="
                + URLEncoder.encode(query, StandardCharsets.UTF_8) + filters)).timeout(TIMEOUT).build(), 200);
    }

    private static ObjectNode draft(String title, String body, List<String> tags) {
        ObjectNode draft = JSON.createObjectNode().put("title", title).put("body", body);
        tags.forEach(draft.putArray("tags")::add);
        return draft;
    }

    private HttpRequest post(String path, JsonNode body, String token) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(blogUrl + path)).timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return request.build();
    }

    private JsonNode send(HttpRequest request, int expected) throws IOException, InterruptedException {
        return JSON.readTree(answer(request, expected).body());
    }

    private HttpResponse<String> answer(HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new Unreachable(request.method() + " " + request.uri() + ": " + e, e);
        }
        if (response.statusCode() == expected) {
            return response;
        }
        String failure = request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                + response.body();
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        boolean problem = response.headers().firstValue("content-type").orElse("")
                .startsWith("application/problem+json");
        if (response.statusCode() == 503 && retryAfter.isPresent() && problem) {
            throw new Unavailable(failure, Duration.ofSeconds(Long.parseLong(retryAfter.get())));
        }
        if (response.statusCode() == 404 && problem) {
            throw new NotFound(failure);
        }
        throw new IOException(failure);
    }
}
