package dev.outbox.bench.search;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A drain's alias on the benchmark's OpenSearch node, read directly for what the indexer's API does not show. */
final class OpenSearchAlias {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String nodeUrl;
    private final String alias;

    OpenSearchAlias(String nodeUrl, String alias) {
        this.nodeUrl = nodeUrl;
        this.alias = alias;
    }

    /** The size on disk of the generation the alias names, primaries only, as a Lucene folder would be measured. */
    long storeBytes() throws IOException, InterruptedException {
        HttpResponse<String> stats = HTTP.send(HttpRequest.newBuilder(URI.create(nodeUrl + "/" + alias
                        + "/_stats/store")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (stats.statusCode() != 200) {
            throw new IllegalStateException("GET /" + alias + "/_stats/store answered " + stats.statusCode() + ": "
                    + stats.body());
        }
        return new ObjectMapper().readTree(stats.body()).at("/_all/primaries/store/size_in_bytes").asLong();
    }
}
