package dev.outbox.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.bench.load.LoadClient;
import dev.outbox.search.index.SearchRequest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.StreamSupport;

/** search-indexer's HTTP API as the benchmark uses it, over one keep-alive HTTP/1.1 connection pool. */
final class SearchApi {

    /**
     * What {@code GET /index} says: live blogs, and the next offsets of all partitions summed, which only Lucene
     * records in its index (on OpenSearch the group's committed offsets are the only ones).
     */
    record IndexState(long documents, OptionalLong nextOffsets) {
    }

    /** The Prometheus series of {@code search_opensearch_bulk_seconds}' count: one per bulk request, by outcome. */
    private static final String BULK_REQUESTS = "search_opensearch_bulk_seconds_count";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    SearchApi(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    IndexState index() throws IOException, InterruptedException {
        JsonNode state = json.readTree(get("/index"));
        JsonNode positions = state.path("positions");
        OptionalLong nextOffsets = positions.isObject() ? OptionalLong.of(StreamSupport.stream(
                positions.spliterator(), false).mapToLong(JsonNode::asLong).sum()) : OptionalLong.empty();
        return new IndexState(state.get("documents").asLong(), nextOffsets);
    }

    /** How many bulk requests this member sent to OpenSearch, whatever their outcome: one per batch unless retried. */
    long bulkRequests() throws IOException, InterruptedException {
        return new String(get("/q/metrics"), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith(BULK_REQUESTS + "{") || line.startsWith(BULK_REQUESTS + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    List<Hits> hits(List<QueryMix.Query> queries) throws IOException, InterruptedException {
        List<Hits> hits = new ArrayList<>(queries.size());
        for (QueryMix.Query query : queries) {
            JsonNode page = json.readTree(get(path(query.request())));
            hits.add(new Hits(page.get("total_hits").asLong(), "eq".equals(page.get("total_hits_relation").asText())));
        }
        return hits;
    }

    /** Sends the client's queries one by one; anything but 200 is an error. */
    LoadClient client(QueryMix.Client queries) {
        return () -> {
            QueryMix.Query query = queries.next();
            get(path(query.request()));
            return query.kind();
        };
    }

    /** {@code GET /search} with the request's parameters; absent ones are left out, as a browser would. */
    static String path(SearchRequest request) {
        StringBuilder path = new StringBuilder("/search?page=").append(request.page())
                .append("&size=").append(request.size());
        if (request.text() != null) {
            path.append("&q=").append(encoded(request.text()));
        }
        if (request.authorId() != null) {
            path.append("&author=").append(request.authorId());
        }
        if (request.tag() != null) {
            path.append("&tag=").append(encoded(request.tag()));
        }
        return path.toString();
    }

    private byte[] get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    /** Spaces as %20: a + in a query string is not a space to every server. */
    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
